"""Settings for the test suite: the real settings with a known key and test-friendly mail."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("UDP_LOGIN_FAILED_LIMIT", "100/5m/ip,5/5m/key")

from udp.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests read English unless they choose a language; the product's default stays Russian.
LANGUAGE_CODE = "en"

# The clock can travel in tests; each test process (each xdist worker) has its own, so that one
# test's journey through time never moves another's.
UDP_CLOCK_TRAVEL = True
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
UDP_CLOCK_FILE = Path(
    os.environ.get("UDP_CLOCK_FILE")
    or Path(tempfile.gettempdir()) / f"udp-clock-{os.getpid()}-{_worker}.json"
)
