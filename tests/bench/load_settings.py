"""The production settings for the load bench's smoke test: static files served without the
manifest, so the test need not run collectstatic (half a minute) first."""

from salesmgmt.settings.prod import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
