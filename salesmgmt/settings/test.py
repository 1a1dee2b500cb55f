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
CELERY_TASK_ALWAYS_EAGER = False
CACHES["default"]["KEY_PREFIX"] = "salesmgmt-test"  # noqa: F405
# Uploads made by tests (visit photos) go to a throw-away directory, never into var/media.
MEDIA_ROOT = tempfile.mkdtemp(prefix="salesmgmt-test-media-")
