"""Add a large synthetic action plan, for benchmarks. Refuses when DEBUG is off (--force)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarks import synthetic


class Command(BaseCommand):
    help = (
        "Add a large synthetic action plan for benchmarks: a current strategy with N strategy "
        "actions (plus two superseded strategies), themes, partners, a council directorate with "
        "divisions, proposed council actions, M progress updates per action, council input and "
        "a monitoring round. Adds to what is in the database; every name is 'Synthetic …' with "
        "a run label, so running it again adds a second plan. Rows are made with bulk_create, "
        "so django-simple-history records no history for them. For benchmarks, not production: "
        "it refuses to run when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=1000, help="Strategy actions.")
        parser.add_argument(
            "--updates-per-action", type=int, default=20, help="Progress updates per action."
        )
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (not production!)."
        )

    def handle(self, *args, actions, updates_per_action, seed: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Synthetic data is for benchmarks, not production: this command refuses to run "
                "when DEBUG is off (give --force to run it anyway)."
            )
        if actions < 1 or updates_per_action < 0:
            raise CommandError("Give at least one action and no negative number of updates.")
        verbose = options["verbosity"] > 1
        summary = synthetic.seed(
            actions=actions,
            updates_per_action=updates_per_action,
            seed=seed,
            log=self.stdout.write if verbose else None,
        )
        for line in summary.lines():
            self.stdout.write(line)
