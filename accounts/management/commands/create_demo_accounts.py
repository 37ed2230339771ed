"""Create demonstration accounts. Development only: refuses to run when DEBUG is off."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User

DEFAULT_PASSWORD = "harrow-demo-2013"


class Command(BaseCommand):
    help = (
        "Create the demo administrator (username 'admin', password from DEMO_PASSWORD, "
        f"default '{DEFAULT_PASSWORD}'). Only when DEBUG is on; never in production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for development only: this command refuses to run "
                "when DEBUG is off."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        user, created = User.objects.get_or_create(
            username="admin",
            defaults={
                "full_name": "Demo administrator",
                "email": "admin@demo.invalid",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        # Running again resets the password and privileges, so the README stays true.
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo account 'admin' (demo only)."))
