"""Invite an administrator into an existing organisation, for operators:

    manage.py invite_admin --slug huaxin --email li.wei@huaxin.example

For when the first administrator's link (`create_organisation`) expired unused, or the organisation
lost its last administrator. An open or expired invitation of that address gets a new link (the old
one stops working); otherwise a new invitation is made. The mail leaves through the outbox; the link
is printed too.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.org.models import Invitation
from apps.org.services import invitation_create, invitation_resend
from apps.tenancy.context import tenant_context
from apps.tenancy.models import Role, Tenant


class Command(BaseCommand):
    help = "Invite an administrator into an existing organisation by mail (or send a new link)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="The organisation's slug (/t/<slug>/).")
        parser.add_argument("--email", required=True, help="The administrator's e-mail address.")

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["slug"]).first()
        if tenant is None:
            raise CommandError(f"No organisation has the slug {options['slug']!r}.")
        email = options["email"].strip()
        try:
            with transaction.atomic(), tenant_context(tenant):
                earlier = (
                    Invitation.objects.filter(
                        tenant=tenant,
                        email__iexact=email,
                        role=Role.ADMIN,
                        status__in=(Invitation.Status.PENDING, Invitation.Status.EXPIRED),
                    )
                    .order_by("-created_at")
                    .first()
                )
                if earlier is not None:
                    invitation = invitation_resend(invitation=earlier, by=None)
                else:
                    invitation = invitation_create(tenant=tenant, by=None, email=email, role=Role.ADMIN)
        except ValidationError as exc:
            raise CommandError("Nobody was invited: " + " ".join(exc.messages))
        expires = invitation.expires_at.astimezone(tenant.tzinfo).strftime("%Y-%m-%d %H:%M %Z")
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {invitation.email} to administer {tenant.name}; the link works once, until {expires}:"
            )
        )
        self.stdout.write(f"  {invitation.accept_url}")
