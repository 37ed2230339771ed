"""`manage.py backup [--output DIR]`: the database and every stored file in one dated archive
(backups/services.py). Run daily and before each upgrade (README, Deploying)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups import services


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump's custom format, or SQLite's online backup) and every "
        "stored file into one archive, tracker-backup-<UTC time>.tar.gz, with a manifest of "
        "row counts and file checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=".",
            help="Folder to write the archive into (made if missing). Default: this folder.",
        )
        parser.add_argument(
            "--database", default="default", help="The database to back up (its alias)."
        )

    def handle(self, *args, output, database, **options):
        try:
            archive = services.make_backup(Path(output), database=database)
        except services.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = services.read_manifest(archive)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {services.plural(rows, 'row')} in "
            f"{services.plural(len(manifest['tables']), 'table')} and "
            f"{services.plural(len(manifest['files']), 'file')} to {archive}"
        )
