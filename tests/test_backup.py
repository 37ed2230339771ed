"""Backups that restore (issue 16): `manage.py backup` and `manage.py restore`.

A plan with progress updates, council input, history, evidence files, a generated Cabinet
report's PDF and a download is backed up, wiped, restored, and every row of every table and
every file's bytes are compared with what was there before. On PostgreSQL (CI runs the suite
there too) through pg_dump/pg_restore, into a new database with no tables (the disaster) and
into the flushed database the service ran on; on SQLite through sqlite3's backup API.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models

from accounts.roles import Role
from backups import services
from reports.models import CabinetReport
from tests.factories import (
    CabinetReportFactory,
    CouncilInputFactory,
    DownloadFactory,
    EvidenceFileFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump/pg_restore path: runs on PostgreSQL (DATABASE_URL=postgres://…; CI does)",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's backup API path: runs on the SQLite suite"
)


# --- the plan, and what it holds ----------------------------------------------------------


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 112, 60)).save(out, format="PNG")
    return out.getvalue()


def build_plan(world):
    """Updates (with their history), council input, evidence files, a Cabinet report with its
    PDF, and a download's file: everything the service keeps, in rows and in files."""
    forum = world.personas["forum_member"]
    officer = world.personas["officer"]
    update = ProgressUpdateFactory(strategy_action=world.action, author=forum)
    ProgressUpdateFactory(strategy_action=world.action, author=forum, percent_complete=60)
    council_input = CouncilInputFactory(council_action=world.council_action, author=officer)
    EvidenceFileFactory(
        record=update, filename="minutes.pdf", content=b"%PDF-1.4\nminutes\n%%EOF\n"
    )
    EvidenceFileFactory(record=council_input, filename="photo.png", content=png())
    report = CabinetReportFactory(created_by=UserFactory(role=Role.FORUM_COORDINATOR))
    report.refresh_from_db()
    if not report.pdf:  # the job runs at once without a broker; with one, make it here
        from reports.services import keep_report_pdf

        keep_report_pdf(report.pk)
    DownloadFactory(requested_by=forum)
    # A file of the public site's kind, saved straight through the storage.
    default_storage.save("open-data/plan/1/plan.csv", ContentFile(b"Theme,Action\r\n"))


def data_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def all_rows(using="default"):
    """Every row of every table the models know, as values ordered by primary key."""
    return {
        model._meta.label: list(model.objects.using(using).order_by("pk").values())
        for model in data_models()
    }


def all_files():
    return {
        name: default_storage.open(name, "rb").read()
        for name in services.stored_files(default_storage)
    }


def delete_all_files():
    for name in list(services.stored_files(default_storage)):
        default_storage.delete(name)
    assert not services.storage_holdings()


def assert_plan_is_whole(rows):
    """The plan has what the test needs to prove something: updates, history, files."""
    assert len(rows["actions.ProgressUpdate"]) == 2
    assert rows["actions.HistoricalProgressUpdate"]
    assert len(rows["actions.CouncilInput"]) == 1
    assert len(rows["evidence.EvidenceFile"]) == 2
    assert rows["reports.CabinetReport"][0]["pdf"].startswith("cabinet-reports/")
    assert rows["reports.Download"][0]["file"]


def backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("tracker-backup-*.tar.gz")
    assert str(archive) in out.getvalue()
    return archive


def restore(archive, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out, **options)
    return out.getvalue()


# --- the archive --------------------------------------------------------------------------


def test_every_file_field_uses_a_backed_up_storage():
    """A field storing elsewhere would be left out of every backup: add its storage to
    services.STORAGES first."""
    fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and field.storage is not default_storage
    ]
    assert services.STORAGES == ("default",)
    assert fields == []


def test_the_archive_is_dated_and_its_manifest_lists_rows_and_files(world, tmp_path):
    build_plan(world)
    files = all_files()
    archive = backup(tmp_path)

    assert archive.stat().st_mode & 0o077 == 0  # only its owner reads it
    manifest = services.read_manifest(archive)
    assert manifest["created_at"].startswith(archive.name[15:25])  # tracker-backup-YYYY-MM-DD
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["app_version"]
    assert ["actions", "0001_initial"] in manifest["migrations"]
    assert manifest["tables"]["actions_progressupdate"] == 2
    assert manifest["tables"]["evidence_evidencefile"] == 2
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files)
    for name, content in files.items():
        assert listed[name]["size"] == len(content)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert manifest["database"]["member"] in names
    assert {f"files/default/{name}" for name in files} <= set(names)


# --- restoring on PostgreSQL --------------------------------------------------------------


def _server(dbname="postgres"):
    """A psycopg2 connection to another database of the test database's server."""
    import psycopg2

    settings_dict = connection.settings_dict
    server = psycopg2.connect(
        dbname=dbname,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
    )
    server.autocommit = True
    return server


@pytest.fixture
def empty_database():
    """A new PostgreSQL database on the same server, with no tables (migrations not run):
    its name; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    server = _server()
    with server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def table_rows(cursor, tables):
    """Every row of every table, straight from the database, in a stable order."""
    rows = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def restore_elsewhere(archive, database_name, media_root) -> subprocess.CompletedProcess:
    """`manage.py restore` run as an operator would, on another database of the server."""
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgres://{credentials}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{database_name}"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media_root), "DEBUG": "true"}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )


@on_postgresql
def test_postgresql_backup_restores_every_row_and_file(world, report, tmp_path, empty_database):
    build_plan(world)
    rows_before, files_before = all_rows(), all_files()
    assert_plan_is_whole(rows_before)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    source = _server(connection.settings_dict["NAME"])  # read as the restored one is read
    try:
        with source.cursor() as cursor:
            raw_before = table_rows(cursor, tables)
    finally:
        source.close()
    archive = backup(tmp_path)
    assert services.read_manifest(archive)["database"]["format"] == "pg_dump -Fc"

    # The disaster: a new server, an empty database (no tables), an empty storage.
    delete_all_files()
    done = restore_elsewhere(archive, empty_database, default_storage.location)
    assert done.returncode == 0, done.stderr
    assert "each checked against the manifest" in done.stdout
    assert "migrate" not in done.stdout  # already at this code's migrations
    restored = _server(empty_database)
    try:
        with restored.cursor() as cursor:
            assert table_rows(cursor, tables) == raw_before
    finally:
        restored.close()
    assert all_files() == files_before

    # The service's own database, flushed and its files deleted, then restored.
    call_command("flush", interactive=False, verbosity=0)
    delete_all_files()
    assert not services.database_holdings()
    said = restore(archive)
    assert "each checked against the manifest" in said
    assert all_rows() == rows_before
    assert all_files() == files_before


@on_postgresql
def test_pg_dump_missing_is_said_plainly(world, tmp_path, monkeypatch):
    monkeypatch.setattr(services.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump was not found on this machine"):
        call_command("backup", output=str(tmp_path))
    assert not list(tmp_path.glob("*.tar.gz"))


@on_postgresql
def test_pg_dump_older_than_the_server_is_refused(world, tmp_path, monkeypatch):
    real_run = services.subprocess.run

    def old_version(command, **kwargs):
        if command[1:] == ["--version"]:
            return real_run(["echo", "pg_dump (PostgreSQL) 9.6.24"], **kwargs)
        return real_run(command, **kwargs)

    monkeypatch.setattr(services.subprocess, "run", old_version)
    with pytest.raises(CommandError, match="older than the PostgreSQL server"):
        call_command("backup", output=str(tmp_path))


@on_postgresql
def test_the_password_goes_in_the_environment_never_the_command_line(monkeypatch, tmp_path):
    seen = []
    real_run = services.subprocess.run

    def spy(command, **kwargs):
        seen.append((command, kwargs.get("env") or {}))
        return real_run(command, **kwargs)

    monkeypatch.setattr(services.subprocess, "run", spy)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-word")
    # The server trusts loopback, so the password is not needed, only carried.
    services.make_backup(tmp_path)
    (command, env), *_ = [(c, e) for c, e in seen if c[1:] != ["--version"]]
    assert "s3cret-word" not in " ".join(command)
    assert env["PGPASSWORD"] == "s3cret-word"


# --- restoring on SQLite ------------------------------------------------------------------


@on_sqlite
def test_sqlite_backup_restores_every_row_and_file(world, report, tmp_path):
    build_plan(world)
    rows_before, files_before = all_rows(), all_files()
    assert_plan_is_whole(rows_before)
    archive = backup(tmp_path)
    assert services.read_manifest(archive)["database"]["member"] == "database.sqlite3"

    call_command("flush", interactive=False, verbosity=0)
    delete_all_files()
    assert all_rows()["actions.ProgressUpdate"] == []
    said = restore(archive)
    assert "each checked against the manifest" in said
    assert all_rows() == rows_before
    assert all_files() == files_before


# --- refusals -----------------------------------------------------------------------------


def test_restoring_over_data_is_refused_unless_forced(world, tmp_path):
    build_plan(world)
    archive = backup(tmp_path)
    with pytest.raises(CommandError, match="Not restoring: the database holds records"):
        restore(archive)

    # Files alone are enough to refuse.
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match=r"Not restoring: the storage holds \d+ files"):
        restore(archive)

    # Forced: whatever is there is replaced with the backup, a stray file included.
    default_storage.save("evidence/stray.txt", ContentFile(b"not in the backup"))
    rows_before = services.read_manifest(archive)["tables"]
    restore(archive, force=True)
    assert not default_storage.exists("evidence/stray.txt")
    assert CabinetReport.objects.count() == rows_before["actions_reportsnapshot"]


def test_a_damaged_archive_is_refused_and_changes_nothing(world, tmp_path):
    build_plan(world)
    archive = backup(tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    delete_all_files()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="not a complete tracker backup"):
        restore(cut)
    not_ours = tmp_path / "not-ours.tar.gz"
    not_ours.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a complete tracker backup"):
        restore(not_ours)
    with pytest.raises(CommandError, match="There is no archive"):
        restore(tmp_path / "missing.tar.gz")
    assert not services.storage_holdings()
    assert not services.database_holdings()


def _rewritten(archive: Path, target: Path, change_file=None, change_manifest=None) -> Path:
    """A copy of the archive with one stored file's bytes, or its manifest, changed."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("files/") and change_file:
                data, change_file = data + b"tampered", None
            if member.name == services.MANIFEST and change_manifest:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_file_that_does_not_match_its_checksum_is_refused(world, tmp_path):
    build_plan(world)
    archive = backup(tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    delete_all_files()
    tampered = _rewritten(archive, tmp_path / "tampered.tar.gz", change_file=True)
    with pytest.raises(CommandError, match="does not match its checksum") as refused:
        restore(tampered)
    assert "nothing was restored" in str(refused.value)
    assert not services.storage_holdings()
    assert not services.database_holdings()


def test_a_restore_that_differs_from_the_manifest_says_what_differs(world, tmp_path):
    build_plan(world)
    archive = backup(tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    delete_all_files()

    def one_more_update(manifest):
        manifest["tables"]["actions_progressupdate"] += 1

    wrong = _rewritten(archive, tmp_path / "wrong.tar.gz", change_manifest=one_more_update)
    with pytest.raises(
        CommandError, match="table actions_progressupdate has 2 rows; the backup had 3"
    ):
        restore(wrong)


def test_a_backup_of_another_database_vendor_is_refused(world, tmp_path):
    build_plan(world)
    archive = backup(tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    delete_all_files()
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def other_vendor(manifest):
        manifest["database"]["vendor"] = other

    moved = _rewritten(archive, tmp_path / "other.tar.gz", change_manifest=other_vendor)
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        restore(moved)


def test_a_backup_from_newer_code_is_flagged(world, tmp_path):
    build_plan(world)
    archive = backup(tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    delete_all_files()

    def newer(manifest):
        manifest["migrations"].append(["actions", "9999_from_the_future"])

    said = restore(_rewritten(archive, tmp_path / "newer.tar.gz", change_manifest=newer))
    assert "made by a newer version of the code" in said
