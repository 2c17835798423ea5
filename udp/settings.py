"""Settings for udp, read from the environment.

Every value comes from an environment variable parsed strictly by django-environ. The defaults are
the safe production ones: DEBUG off, secure cookies, HSTS. A developer's ``./dev run`` sets
``DJANGO_DEBUG=1``. Without ``DATABASE_URL`` an embedded PostgreSQL is started under ``.data/``;
without ``CELERY_BROKER_URL`` background jobs go through a filesystem broker under ``.data/``.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from udp.embedded_db import default_data_dir

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = default_data_dir()

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean from the environment; anything but 1/0/true/false/yes/no/on/off is an error."""
    raw = environ.Env().str(name, default="1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-debug" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("UDP_SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_bootstrap5",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "udp.core",
    "udp.accounts",
    "udp.notices",
    "udp.documents",
    "registers",
    "mandates",
    "accreditation",
    "licensing",
    "distribution",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "udp.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "udp.core.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "udp.accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "udp.urls"
WSGI_APPLICATION = "udp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "udp.accounts.context.actor",
                "registers.context.claims_waiting",
                "udp.notices.context.notices",
                "udp.core.context.platform_clock",
            ],
        },
    },
]

EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="")
if not EMBEDDED_DATABASE:
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
else:
    # PostgreSQL's backend, which starts the embedded server on the first connection
    DATABASES = {"default": {"ENGINE": "udp.embedded_db", "NAME": "postgres", "USER": "postgres"}}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "public:home"

# django-allauth: e-mail is the login; e-mail must be confirmed; failed logins are throttled.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_ADAPTER = "udp.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "registers.signup.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    # Per account (key: the e-mail) tight; per address generous, so that one attacker behind a
    # ministry's or a CMO's shared address cannot lock out everyone there. The login form, the token
    # endpoint and the TOTP step all count against these (allauth's own rate limits).
    "login_failed": env.str("UDP_LOGIN_FAILED_LIMIT", default="100/5m/ip,5/5m/key"),
    "signup": "20/m/ip",
}
MFA_ADAPTER = "udp.accounts.mfa_adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "UDP Kazakhstan"

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="UDP <noreply@udp.kz>")

LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["udp.formats"]  # Kazakh dates and numbers; ISO first among date inputs
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Bootstrap 5 is vendored under static/vendor/bootstrap/ (the platform runs on a closed network: no CDN).
# django-bootstrap5 renders form fields; its css/js URLs point at our own copy, never at a CDN.
BOOTSTRAP5 = {
    "css_url": {"url": STATIC_URL + "vendor/bootstrap/bootstrap.min.css"},
    "javascript_url": {"url": STATIC_URL + "vendor/bootstrap/bootstrap.bundle.min.js"},
    "theme_url": None,
    "set_placeholder": False,
    "error_css_class": "",
    "required_css_class": "",
}
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
#: The fonts of PDF documents (DejaVu Sans: Kazakh, Russian, English); see udp.documents.rendering.
UDP_PDF_FONT_DIR = env.str("UDP_PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
#: How documents are signed (udp.documents.signing): the default confirms by the signed-in account and the
#: document's hash; an NCALayer adapter implementing the same Signer protocol can be named here instead.
UDP_DOCUMENT_SIGNER = env.str("UDP_DOCUMENT_SIGNER", default="udp.documents.signing.AccountSigner")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Security: the production defaults; `manage.py check --deploy` is clean with them.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    # Machines use API keys (scoped, revocable, throttled per key); people use their session, or a
    # token from /api/auth/token/. See udp.accounts.api_auth and udp.accounts.scopes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "udp.accounts.api_auth.ApiKeyAuthentication",
        "udp.accounts.api_auth.MFATokenAuthentication",
        "udp.accounts.api_auth.MFASessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "udp.accounts.api_auth.HasApiKeyScope",
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["udp.accounts.api_auth.ApiKeyRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "udp.core.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "udp.accounts.api_schema.AutoSchema",
    # the browsable API's titles and OPTIONS' names in the reader's language (the models' verbose names)
    "VIEW_NAME_FUNCTION": "udp.core.api_names.view_name",
    "VIEW_DESCRIPTION_FUNCTION": "udp.core.api_names.view_description",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "udp.core.api_render.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("UDP_API_ANON_RATE", default="120/min"),
        # Per API key: reading, and (counted apart) changing something.
        "api_key_read": env.str("UDP_API_KEY_READ_RATE", default="600/min"),
        "api_key_write": env.str("UDP_API_KEY_WRITE_RATE", default="60/min"),
    },
}
#: API keys: lifetime when the issuer names none, and the longest one may choose.
UDP_API_KEY_LIFETIME_DAYS = env.int("UDP_API_KEY_LIFETIME_DAYS", default=365)
UDP_API_KEY_MAX_LIFETIME_DAYS = env.int("UDP_API_KEY_MAX_LIFETIME_DAYS", default=730)
SPECTACULAR_SETTINGS = {
    "TITLE": "UDP API",
    "DESCRIPTION": "Unified Digital Platform for collective management of copyright and related rights.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files: the platform runs on a closed network, no CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "WorkKindEnum": "registers.models.works.WorkKind",
        "PartyKindEnum": "registers.models.parties.PartyKind",
        "ContractKindEnum": "registers.models.contracts.ContractKind",
        "WorkTitleKindEnum": "registers.models.works.WorkTitle.Kind",
        "ApiKeyStatusEnum": "udp.accounts.models.ApiKeyStatus",
        "ApiKeyScopeEnum": "udp.accounts.scopes.Scope",
        "RefusalGroundEnum": "mandates.models.requests.RefusalGround",
        "MandateRequestStatusEnum": "mandates.models.requests.RequestStatus",
        "ContractStatusEnum": "registers.models.contracts.ContractStatus",
        "WithdrawalStatusEnum": "mandates.models.withdrawals.WithdrawalStatus",
        "ConflictStatusEnum": "registers.models.claims.ConflictStatus",
        "ReciprocalAreaStatusEnum": "registers.models.reciprocal.ReciprocalAreaStatus",
        # accreditation: sanctions
        "SuspensionGroundEnum": "accreditation.models.certificates.SuspensionGround",
        "SuspensionStatusEnum": "accreditation.models.certificates.SuspensionStatus",
        "RevocationGroundEnum": "accreditation.models.certificates.RevocationGround",
        "TerminationReasonEnum": "accreditation.models.certificates.TerminationReason",
        # accreditation: publications; the working days calendar
        "PublicationKindEnum": "accreditation.models.publications.PublicationKind",
        "CalendarDayKindEnum": "udp.core.models.DayKind",
        # licensing
        "LicenceRefusalGroundEnum": "licensing.models.licences.RefusalGround",
        "AgreementKindEnum": "licensing.models.licences.AgreementKind",
        "LicenceStatusEnum": "licensing.models.licences.LicenceStatus",
        "RenewalEnum": "licensing.models.licences.Renewal",
        "RepertoireScopeEnum": "licensing.models.licences.RepertoireScope",
        "CollectionAgreementBasisEnum": "licensing.models.licences.CollectionAgreementBasis",
        "TariffStatusEnum": "licensing.models.rates.TariffStatus",
        "PeriodEnum": "licensing.models.rates.Period",
        "ReportFrequencyEnum": "licensing.models.rates.ReportFrequency",
        "UseEnum": "licensing.models.rates.Use",
        "RateShapeEnum": "licensing.models.rates.RateShape",
        "UnitEnum": "licensing.models.rates.Unit",
        "AmountBasisEnum": "licensing.models.rates.AmountBasis",
        "ImportPolicyEnum": "registers.models.imports.ImportPolicy",
        "UsageFormatEnum": "licensing.models.usage.UsageFormat",
        "UsagePolicyEnum": "licensing.models.usage.UsagePolicy",
        "UsageStageEnum": "licensing.models.usage.UsageStage",
        "UsageStatusEnum": "licensing.models.usage.UsageStatus",
        "PaymentBatchStatusEnum": "distribution.models.payouts.BatchStatus",
        "TransferStatusEnum": "distribution.models.payouts.LineStatus",
        "DistributionRunStatusEnum": "distribution.models.runs.RunStatus",
        "BankStatementStatusEnum": "licensing.models.invoices.StatementStatus",
    },
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if not CELERY_BROKER_URL:
    # Every folder of the filesystem broker under the data directory (kombu's control folder
    # defaults to ./control, which would land in the working tree).
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # imports whose worker died are ended as interrupted; lost import tasks are sent again
    "sweep-imports": {"task": "registers.sweep_imports", "schedule": 300.0},
    # withdrawals whose effective date has come take effect; overdue obligations are told (idempotent:
    # hourly, so a moved clock or a missed run is caught up the same day)
    "apply-withdrawals": {"task": "mandates.apply_withdrawals", "schedule": 3600.0},
    # two CMOs on one holder or work, claims above 100 %: found, and closed when gone
    "detect-conflicts": {"task": "registers.detect_conflicts", "schedule": 3600.0},
    # PDFs a rolled-back transaction left behind, a day old or more, are deleted
    "sweep-documents": {"task": "documents.sweep_orphans", "schedule": 86400.0},
    # accreditation: expiry terminates, a late annual report drafts a suspension, a suspension's end is told
    "apply-sanctions": {"task": "accreditation.apply_sanctions", "schedule": 3600.0},
    # agreements with users past their term renew or end by their terms
    "end-or-renew-licences": {"task": "licensing.end_or_renew", "schedule": 3600.0},
    # usage reports not received by their day are told once to the user, the CMO and the authorized body;
    # reports whose worker died are ended
    "notice-overdue-reports": {"task": "licensing.notice_overdue_reports", "schedule": 86400.0},
    "sweep-usage-reports": {"task": "licensing.sweep_usage_reports", "schedule": 300.0},
    # licensing: each licence period that has begun gets its invoice (idempotent; hourly catches a moved clock)
    "issue-invoices": {"task": "licensing.issue_invoices_due", "schedule": 3600.0},
    # monitoring: each closed report period of a monitored licence is reconciled once (idempotent)
    "reconcile-monitoring": {"task": "licensing.reconcile_monitoring", "schedule": 3600.0},
    # distribution: usage matched to works: each month whose counted reports changed since it was last gathered
    # (hourly); the registers' keys rebuilt and the recent months' undecided keys tried again (daily)
    "match-due-usage": {"task": "distribution.match_due", "schedule": 3600.0},
    "refresh-work-keys": {"task": "distribution.refresh_work_keys", "schedule": 86400.0},
    # distribution: after a quarter ends, each CMO's run for each area it collected for, calculated and left for
    # its staff to approve (idempotent: daily, so a missed day or a moved clock is caught up)
    "start-quarterly-runs": {"task": "distribution.start_quarterly_runs", "schedule": 86400.0},
    # distribution: a requested run whose worker (or message) was lost sent to a worker again
    "resend-stale-run-requests": {"task": "distribution.resend_stale_requests", "schedule": 3600.0},
    # bank statements of payouts received and not read (a worker or a message lost) are sent again
    "resend-waiting-payout-statements": {"task": "distribution.resend_waiting_statements", "schedule": 600.0},
    "resend-unfinished-payment-files": {"task": "distribution.resend_unfinished_batches", "schedule": 600.0},
    "resend-waiting-bank-statements": {"task": "licensing.resend_waiting_bank_statements", "schedule": 600.0},
    # distribution: each quarter's money distributed by an approved run by the end of the next quarter, and each
    # CMO's yearly deductions at most 20 % of what it collected; each breach a flag with its evidence (daily)
    "check-distribution-compliance": {"task": "distribution.check_compliance", "schedule": 86400.0},
    # distribution: in the year after, each CMO's annual run for foreign societies, left for its staff to approve
    "start-foreign-runs": {"task": "distribution.start_foreign_runs", "schedule": 86400.0},
}
#: The platform's clock (udp.core.clock): may it be moved? Tests, the demo and training copies only.
UDP_CLOCK_TRAVEL = env_bool("UDP_CLOCK_TRAVEL", default=False)
#: Where a moved clock keeps its offset, shared by the web server, the worker and the tests of one machine.
UDP_CLOCK_FILE = Path(env.str("UDP_CLOCK_FILE", default=str(DATA_DIR / "clock.json")))

#: An import running longer than this (seconds) is stopped and ends as failed, saying where it stopped.
IMPORT_TIME_LIMIT = env.int("UDP_IMPORT_TIME_LIMIT", default=2 * 60 * 60)

PGHISTORY_APPEND_ONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
