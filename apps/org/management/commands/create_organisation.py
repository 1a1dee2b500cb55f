"""Start a new organisation: the tenant, its starter data in its language, and the invitation of its
first administrator.

    manage.py create_organisation --name "华信商贸" --slug huaxin --admin-email li@huaxin.example \
        [--timezone Asia/Shanghai] [--currency CNY] [--language zh-hans]

Every argument is checked before anything is written; any problem is reported (all of them at once)
with a non-zero exit and nothing created. The rest runs in one transaction: the invitation mail
(a signed, single-use link that expires; apps.org.services.invitations) leaves through the outbox only
once it has committed. The link is printed too, for the operator to pass on if the mail goes astray.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.urls import reverse

from apps.org.services import organisation_start

ARGUMENTS = {
    "name": "--name",
    "slug": "--slug",
    "timezone": "--timezone",
    "currency": "--currency",
    "language": "--language",
    "admin_email": "--admin-email",
}


class Command(BaseCommand):
    help = (
        "Create an organisation with its starter data and invite its first administrator by mail. "
        "Nothing is created when any argument is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The organisation's name, as its people see it.")
        parser.add_argument(
            "--slug",
            required=True,
            help="Its address in URLs (/t/<slug>/): lowercase letters, digits, dashes.",
        )
        parser.add_argument("--timezone", default="Asia/Shanghai", help="IANA time zone (Asia/Shanghai).")
        parser.add_argument("--currency", default="CNY", help="ISO 4217 currency code (CNY).")
        parser.add_argument(
            "--language",
            default="zh-hans",
            help=f"Default language: {', '.join(code for code, _name in settings.LANGUAGES)}.",
        )
        parser.add_argument("--admin-email", required=True, help="The first administrator's e-mail address.")

    def handle(self, *args, **options):
        values = {key: options[key] or "" for key in ARGUMENTS}
        try:
            tenant, invitation = organisation_start(**values)
        except ValidationError as exc:
            lines = [
                f"{ARGUMENTS.get(field, field)} {values.get(field, '')!r}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            raise CommandError("Nothing was created.\n" + "\n".join(lines))
        except IntegrityError:  # another run took the slug between the check and the insert
            raise CommandError(f"Nothing was created: the slug {values['slug']!r} was just taken.")
        url = settings.SITE_URL.rstrip("/") + reverse("dashboard", kwargs={"tenant_slug": tenant.slug})
        self.stdout.write(self.style.SUCCESS(f"Created {tenant.name} ({tenant.slug}): {url}"))
        expires = invitation.expires_at.astimezone(tenant.tzinfo).strftime("%Y-%m-%d %H:%M %Z")
        self.stdout.write(
            f"Invited {invitation.email} as its administrator, by mail; the link works once, until {expires}:"
        )
        self.stdout.write(f"  {invitation.accept_url}")
