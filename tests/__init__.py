"""What the tests of every app share: personas (``conftest.py`` at the root), factories, the statute report,
and the paths of test data and artifacts."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ARTIFACTS = ROOT / "tests" / "artifacts"
