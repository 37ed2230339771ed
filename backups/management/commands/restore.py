"""`manage.py restore ARCHIVE [--force]`: an archive from `manage.py backup` back into an empty
database and storage, checked row by row count and file by checksum (backups/services.py)."""

from django.core.management.base import BaseCommand, CommandError

from backups import services


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and storage, then check every table's "
        "row count and every file's checksum against the archive's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A tracker-backup-….tar.gz made by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever the database and storage hold with the backup.",
        )
        parser.add_argument(
            "--database", default="default", help="The database to restore into (its alias)."
        )

    def handle(self, *args, archive, force, database, **options):
        try:
            restored = services.restore_backup(archive, database=database, force=force)
        except services.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = restored.manifest
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (version "
            f"{manifest['app_version']}): {services.plural(rows, 'row')}"
            f" in {services.plural(len(manifest['tables']), 'table')} and "
            f"{services.plural(len(manifest['files']), 'file')}, each checked against the "
            "manifest."
        )
        for note in restored.notes:
            self.stdout.write(self.style.WARNING(note))
