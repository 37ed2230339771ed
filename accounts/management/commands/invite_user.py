"""Invite a person: create their account and email them a link to set their password."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts import services
from accounts.models import Partner, User
from accounts.roles import Role


class Command(BaseCommand):
    help = "Invite a person with their organisation and role; they get an email to set a password."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--organisation", required=True, help="The organisation's slug or exact name."
        )
        parser.add_argument("--name", dest="full_name", default="", help="Their full name.")
        parser.add_argument("--username", default="", help="Default: from the email address.")

    def handle(self, *args, email, role, organisation, full_name, username, **options):
        try:
            partner = Partner.objects.get(Q(slug=organisation) | Q(name__iexact=organisation))
        except Partner.DoesNotExist:
            raise CommandError(f"No organisation has the slug or name {organisation!r}.") from None
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"Someone already uses {email}.")
        user = User(
            email=email,
            full_name=full_name or email.split("@")[0],
            username=username,
            organisation=partner,
        )
        try:
            services.invite_user(user=user, role=role, base_url=settings.SITE_URL)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {user.username} <{user.email}> as {role} of {partner.name}; "
                "the invitation email has been sent."
            )
        )
