"""Settings shared by every environment; the rest comes from environment variables (docs/configuration.md)."""

from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the Swagger UI bundle as our own static files
    "django_htmx",
    "django_celery_beat",
    "axes",
    "apps.tenancy",
    "apps.org",
    "apps.customers",
    "apps.sales",
    "apps.targets",
    "apps.pipeline",
    "apps.keyaccounts",
    "apps.visits",
    "apps.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so every answer gets the headers, the lock-out page and 404s included.
    "apps.tenancy.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.tenancy.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.tenancy.middleware.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesmgmt.urls"
WSGI_APPLICATION = "salesmgmt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.tenancy.context_processors.tenancy",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://salesmgmt:salesmgmt@127.0.0.1:5432/salesmgmt"),
}
# DATABASE_URL names the schema owner, which only migrations use; the app itself (web, workers,
# commands, tests) logs in as DATABASE_APP_USER, a role that owns nothing and is subject to the
# row-level-security policies of every tenant table (salesmgmt/db, docs/operations.md).
DATABASES["default"]["ENGINE"] = "salesmgmt.db"
DATABASES["default"]["APP_USER"] = env("DATABASE_APP_USER", default="salesmgmt_app")
DATABASES["default"]["APP_PASSWORD"] = env("DATABASE_APP_PASSWORD", default="salesmgmt_app")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# A cache that answers "miss" while Redis is down (salesmgmt/cache.py), with short socket timeouts so
# a Redis that hangs costs a request at most a second rather than a worker.
CACHES = {
    "default": {
        "BACKEND": "salesmgmt.cache.ResilientRedisCache",
        "LOCATION": env("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": "salesmgmt",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock out a username *from one address*, so one colleague mistyping does not lock
# out the whole office behind the same NAT, and one address cannot spray many usernames.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=8)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "apps.tenancy.security.axes_client_ip"
# A page in the user's language for the browser, JSON for the API; both 429 with Retry-After.
AXES_LOCKOUT_CALLABLE = "apps.tenancy.security.lockout_response"
# How many reverse proxies in front of the app append the client's address to X-Forwarded-For.
# 0 (no proxy) takes the socket's address; the header is then ignored, because a client can put
# anything in it and so dodge every per-address limit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="salesmgmt <noreply@salesmgmt.local>")
# Links in notification mails are made absolute with this (the address users open the app at).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How long an invitation link works (apps.org.services.invitation_create), in days.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Outbox (apps.tenancy.notifications): a mail "sending" this long is taken as lost and sent again;
# after this many failed sends it is marked failed.
OUTBOX_STALE_MINUTES = env.float("OUTBOX_STALE_MINUTES", default=15)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.tenancy.authentication.MembershipTokenAuthentication",
        "apps.tenancy.authentication.TenantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.tenancy.permissions.IsTenantMember"],
    # JSON only: Swagger UI at /api/docs/ is the interactive view (the browsable renderer would
    # build its forms after the request has left its tenant).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.tenancy.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.tenancy.api.exceptions.exception_handler",
    # Public endpoints only (apps.tenancy.throttling): `<scope>` per client address and
    # `<scope>_credential` per username (or invitation token). Signed-in API traffic is not limited.
    "DEFAULT_THROTTLE_RATES": {
        "token": env("THROTTLE_TOKEN", default="20/min"),
        "token_credential": env("THROTTLE_TOKEN_USERNAME", default="10/min"),
        # Generous per address: a whole office may sign in at nine from one NAT address.
        "login": env("THROTTLE_LOGIN", default="120/min"),
        "login_credential": env("THROTTLE_LOGIN_USERNAME", default="10/min"),
        "password_reset": env("THROTTLE_PASSWORD_RESET", default="20/hour"),
        "password_reset_credential": env("THROTTLE_PASSWORD_RESET_EMAIL", default="5/hour"),
        # The public invitation page (apps.org): per address, and per invitation link.
        "invitation": env("THROTTLE_INVITATION", default="60/min"),
        "invitation_credential": env("THROTTLE_INVITATION_LINK", default="20/min"),
        # Invitation mails (sent and resent) per organisation: a flood of mails is refused.
        "invitation_send": env("THROTTLE_INVITATION_SEND", default="100/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "salesmgmt API",
    "DESCRIPTION": "Targets, field work, customers and sales facts of one organisation (tenant). "
    "Obtain a token at /api/v1/auth/token/ and send it as `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DEFAULT_GENERATOR_CLASS": "salesmgmt.schema.UnscopedSchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "salesmgmt.schema.local_times",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "apps.customers.models.Customer.Status",
        "OrderStatusEnum": "apps.sales.models.Order.Status",
        "InvoiceStatusEnum": "apps.sales.models.Invoice.Status",
        "TaskStatusEnum": "apps.customers.models.Task.Status",
        # a stage's kind and an opportunity's status are one choice set (open, won, lost)
        "OpportunityStatusEnum": "apps.pipeline.models.Opportunity.Status",
        "LostReasonEnum": "apps.pipeline.models.Opportunity.LostReason",
        "InteractionKindEnum": "apps.customers.models.Interaction.Kind",
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# How long an unacknowledged task (its worker killed) waits before a worker gets it again; workers look
# for such tasks every 10 s (kombu's default throttle would look only every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# One UTC dispatcher drives every per-tenant schedule (apps.tenancy.scheduling); beat copies this
# entry into its database table at start.
CELERY_BEAT_SCHEDULE = {
    "dispatch-tenant-jobs": {
        "task": "apps.tenancy.tasks.dispatch_tenant_jobs",
        "schedule": env.int("TENANT_JOB_DISPATCH_SECONDS", default=300),
    },
    "outbox-sweep": {"task": "apps.tenancy.tasks.outbox_sweep", "schedule": 300.0},
}
# Test hook only: seconds the weekly rollup holds its transaction open halfway (tests kill a worker there).
REPORTING_ROLLUP_PAUSE = env.float("REPORTING_ROLLUP_PAUSE", default=0.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; keep its warnings (missing fonts, bad CSS).
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
# htmx sends the CSRF token from the page (hx-headers on <body>), never from the cookie, so no
# script needs to read it.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "apps.tenancy.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (apps.tenancy.security.SecurityHeadersMiddleware; Django 6.0's shape).
# No 'unsafe-inline' anywhere: no inline script, style or event handler in the templates.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The Swagger UI's bundle is served from our static files (drf-spectacular-sidecar), so /api/docs/
# works without internet access; the UI sets style attributes from its script, which only this
# page's policy allows.
SECURE_CSP_API_DOCS = {
    **SECURE_CSP,
    "style-src": ["'self'", "'unsafe-inline'"],
}
# Reps check in with the phone's position and photograph the shop: both for this site only.
PERMISSIONS_POLICY = {
    "geolocation": "(self)",
    "camera": "(self)",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
    "accelerometer": "()",
    "gyroscope": "()",
    "magnetometer": "()",
}

# Product settings
BULK_MAX_ROWS = 1000
# A daily report may be filed late, but not for a day long past (it would rewrite history).
DAILY_REPORT_MAX_DAYS_LATE = env.int("DAILY_REPORT_MAX_DAYS_LATE", default=31)
# A visit plan is for the days ahead a rep can foresee, not for 2099.
VISIT_PLAN_MAX_DAYS_AHEAD = env.int("VISIT_PLAN_MAX_DAYS_AHEAD", default=60)
VISIT_SUGGESTIONS_PER_REP = env.int("VISIT_SUGGESTIONS_PER_REP", default=8)
