"""Production: HTTPS only, secure cookies, HSTS. `manage.py check --deploy --fail-level WARNING` is
clean with these settings (tests/test_deploy_check.py), given the variables production requires:
SECRET_KEY (50+ random characters) and ALLOWED_HOSTS."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # noqa: F405  (required: no default in production)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")  # noqa: F405  (required: the development hosts are no default here)

# Cookies only over HTTPS. The session cookie is never readable by scripts; neither is the CSRF
# cookie (htmx takes the token from the page). Lax, not Strict: a link in a notification mail
# must open the page signed in; cross-site POSTs still go without the cookies.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)  # noqa: F405
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)  # noqa: F405
# Refuse to start as a superuser, BYPASSRLS role or table owner (apps/tenancy/checks.py).
DATABASE_ROLE_CHECK = env.bool("DATABASE_ROLE_CHECK", default=True)  # noqa: F405
