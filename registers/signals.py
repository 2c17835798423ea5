"""What the registers tell the apps above them, which they may not import (:mod:`tests.test_import_graph`)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent when the expert organization resolves a conflict (:func:`registers.answers.resolve_conflict`), inside its
#: transaction, with ``conflict``: the money it held may now be claimed (:mod:`distribution.notices`).
conflict_resolved = Signal()
