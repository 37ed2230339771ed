"""Create one demonstration account per role. Development only: refuses when DEBUG is off."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Partner, User
from accounts.roles import Role
from accounts.services import set_role

DEFAULT_PASSWORD = "harrow-demo-2013"

# username, role, organisation (from the Cabinet report), display name
DEMO_ACCOUNTS = [
    ("forum", Role.FORUM_MEMBER, "third-sector-forum", "Demo Forum member"),
    ("coordinator", Role.FORUM_COORDINATOR, "third-sector-forum", "Demo Forum coordinator"),
    ("officer", Role.COUNCIL_OFFICER, "community-health-and-wellbeing", "Demo council officer"),
    ("cabinet", Role.CABINET_MEMBER, "harrow-council", "Demo Cabinet member"),
    ("admin", Role.ADMINISTRATOR, "harrow-council", "Demo administrator"),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts forum, coordinator, officer, cabinet and admin, with the "
        f"password from DEMO_PASSWORD (default '{DEFAULT_PASSWORD}'). Only when DEBUG is on."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for development only: this command refuses to run "
                "when DEBUG is off."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        organisations = Partner.objects.in_bulk(
            [slug for _, _, slug, _ in DEMO_ACCOUNTS], field_name="slug"
        )
        missing = {slug for _, _, slug, _ in DEMO_ACCOUNTS} - set(organisations)
        if missing:
            raise CommandError(
                "Load the Cabinet report first (manage.py load_cabinet_report): "
                f"missing organisations {', '.join(sorted(missing))}."
            )
        for username, role, slug, full_name in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"full_name": full_name, "email": f"{username}@demo.invalid"},
            )
            # Running again resets each account to what the README promises.
            user.full_name = full_name
            user.organisation = organisations[slug]
            user.is_active = True
            user.is_staff = user.is_superuser = False  # the Administrator role opens the admin
            user.set_password(password)
            user.save()
            set_role(user=user, role=role)
            verb = "Created" if created else "Reset"
            self.stdout.write(f"{verb} demo account {username!r} ({role}, {organisations[slug]}).")
        self.stdout.write(self.style.SUCCESS("Demo accounts are ready (demo only)."))
