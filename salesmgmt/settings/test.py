import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False
# No test (the API fuzz least of all) may trip a rate limit by accident; the throttle tests lower
# the rates they test.
_rates = REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(_rates, "100000/min")  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
CACHES["default"]["KEY_PREFIX"] = "salesmgmt-test"  # noqa: F405
# Uploads made by tests (visit photos) go to a throw-away directory, never into var/media.
MEDIA_ROOT = tempfile.mkdtemp(prefix="salesmgmt-test-media-")
