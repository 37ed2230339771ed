"""Backups that restore (issue 16).

One archive (`tracker-backup-<UTC time>.tar.gz`) holds everything the service keeps:

- `database.dump`: PostgreSQL in pg_dump's custom format (`pg_dump -Fc`), or, on SQLite (the
  embedded default of `make run`), `database.sqlite3`, a copy made with sqlite3's online
  backup API;
- `files/<storage>/<path>`: every file of every storage that holds data (STORAGES below),
  read through the storage API (listdir/open), so an S3 bucket is backed up as a folder is;
- `manifest.json` (last): when, which version of the code and which migrations, the database
  vendor, the rows in each table, and each file's path, size and SHA-256.

`restore` checks the whole archive against its manifest before touching anything, refuses a
database or storage that already holds the service's data (unless forced), restores, then
counts the rows and hashes the files again and names any difference.

Why not django-dbbackup (5.4, well kept): it writes the database and the media to two
separate archives with no manifest, so nothing checks that a restore brought back every row
and file; it restores into a database that already has its tables (pg_restore without
a way to say "this database must be empty"), and its media backup reads MEDIA_ROOT-style
storage only through its own connectors. What the issue asks (one archive, a manifest with row
counts and checksums, verification after restoring, a refusal to restore over live data) would
be most of the code again on top of it, so the little that is needed is here, with no new
dependency.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import storages
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_MEMBER = "database.dump"
SQLITE_MEMBER = "database.sqlite3"
FILES_PREFIX = "files"
# The storages that hold the service's data. Every FileField uses the default storage, and so
# does the public site's open data (tests/test_backup.py checks that no field uses another).
# "staticfiles" is not data: collectstatic makes it again from the code.
STORAGES = ("default",)
# Rows that `manage.py migrate` writes by itself into a new database: a database holding only
# these is still empty (nothing of the service's own has been recorded in it).
MADE_BY_MIGRATE = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",  # the roles' groups (accounts' migrations)
        "auth_group_permissions",
        "reports_plangeneration",  # the one counter row (reports' migrations)
        "sqlite_sequence",
    }
)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something stopped the backup or the restore; the message says what, plainly."""


# --- small helpers ----------------------------------------------------------------------


def archive_name(now: dt.datetime) -> str:
    return f"tracker-backup-{now.astimezone(dt.UTC):%Y-%m-%dT%H%M%SZ}.tar.gz"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def app_version() -> str:
    try:
        return metadata.version("third-sector-strategy-tracker")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """Reads through to `raw`, keeping the SHA-256 and the size of what was read."""

    def __init__(self, raw):
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def stored_files(storage, folder: str = ""):
    """Every file's name in the storage, walking its folders through the storage API."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a file system storage whose folder was never made
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from stored_files(storage, f"{folder}/{name}" if folder else name)


def _safe_path(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or name != str(path):
        raise BackupError(f"The archive names a file outside the storage: {name!r}.")
    return name


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups cover PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _tables(cursor, connection) -> list[str]:
    return sorted(connection.introspection.table_names(cursor))


def _row_counts(cursor, connection, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor, tables) -> list[list[str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


# --- PostgreSQL's tools ----------------------------------------------------------------


def _pg_env(settings_dict) -> dict[str, str]:
    """The connection for pg_dump/pg_restore, in the environment: never the command line,
    where any user of the machine could read the password."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
    ):
        pairs[variable] = options.get(option)
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    return env


def _pg_tool(name: str, server_version: int) -> tuple[str, str]:
    """The path and version line of pg_dump or pg_restore, refusing one older than the
    server (it cannot read a newer server's catalogue)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on this machine. Install PostgreSQL's client tools of the "
            f"server's version ({server_version // 10000}), e.g. "
            f"`apt-get install postgresql-client-{server_version // 10000}`, and try again."
        )
    line = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()
    if _major(line) < server_version // 10000:
        raise BackupError(
            f"{line or name} is older than the PostgreSQL server ({_pg_version(server_version)})"
            f". Install the client tools of version {server_version // 10000} and try again."
        )
    return path, line


def _major(version_line: str) -> int:
    """15 from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"; 0 if unreadable."""
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", version_line)
    return int(found.group(1)) if found else 0


def _pg_version(number: int) -> str:
    return f"{number // 10000}.{number % 10000}"


def _run(command: list[str], env) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")


# --- backup -----------------------------------------------------------------------------


@dataclass
class Snapshot:
    member: str
    path: Path
    details: dict
    tables: dict[str, int]
    migrations: list[list[str]]


def _snapshot_postgresql(alias: str, folder: Path) -> Snapshot:
    connection = connections[alias]
    connection.ensure_connection()
    server = connection.pg_version
    pg_dump, tool = _pg_tool("pg_dump", server)
    target = folder / PG_DUMP_MEMBER
    # The counts and pg_dump read the same moment: one repeatable-read transaction exports its
    # snapshot and pg_dump works from it (--snapshot), so what is counted is what is dumped,
    # even with people writing meanwhile.
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = _tables(cursor, connection)
        counts = _row_counts(cursor, connection, tables)
        migrations = _applied_migrations(cursor, tables)
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            _pg_env(connection.settings_dict),
        )
    details = {"server_version": _pg_version(server), "tool": tool, "format": "pg_dump -Fc"}
    return Snapshot(PG_DUMP_MEMBER, target, details, counts, migrations)


def _snapshot_sqlite(alias: str, folder: Path) -> Snapshot:
    connection = connections[alias]
    connection.ensure_connection()
    target = folder / SQLITE_MEMBER
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # sqlite3's online backup API: a consistent copy
        cursor = copy.cursor()
        tables = sorted(
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        )
        counts = {t: cursor.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        migrations = _applied_migrations(cursor, tables)
    finally:
        copy.close()
    details = {"server_version": sqlite3.sqlite_version, "format": "sqlite3 backup"}
    return Snapshot(SQLITE_MEMBER, target, details, counts, migrations)


def _add_file(tar: tarfile.TarFile, name: str, size: int, handle) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(dt.datetime.now(dt.UTC).timestamp()), 0o600
    reader = _Hashing(handle)
    tar.addfile(info, reader)
    if reader.size != size:
        raise BackupError(f"{name} changed size while it was being read; run the backup again.")
    return reader.digest.hexdigest()


def make_backup(output: Path | str, database: str = "default", now=None) -> Path:
    """Write one archive of the database and every stored file into `output`; its path."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.UTC)
    final = output / archive_name(now)
    if final.exists():
        raise BackupError(f"{final} already exists; not overwriting it.")
    vendor = _vendor(database)
    partial = final.with_name(f".{final.name}.partial")
    with tempfile.TemporaryDirectory(dir=output, prefix=".backup-") as work:
        make = _snapshot_postgresql if vendor == "postgresql" else _snapshot_sqlite
        snap = make(database, Path(work))
        files = []
        try:
            # The archive holds everything, password hashes included: its owner alone reads it.
            partial.touch(mode=0o600)
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                tar.add(snap.path, arcname=snap.member)
                for storage_alias in STORAGES:
                    storage = storages[storage_alias]
                    for name in stored_files(storage):
                        with storage.open(name, "rb") as handle:
                            size = storage.size(name)
                            member = f"{FILES_PREFIX}/{storage_alias}/{name}"
                            digest = _add_file(tar, member, size, handle)
                        files.append(
                            {"storage": storage_alias, "path": name, "size": size, "sha256": digest}
                        )
                manifest = {
                    "format": FORMAT,
                    "service": "Third Sector Strategy Tracker",
                    "created_at": now.astimezone(dt.UTC).isoformat(),
                    "app_version": app_version(),
                    "migrations": snap.migrations,
                    "database": {
                        "vendor": vendor,
                        "member": snap.member,
                        "size": snap.path.stat().st_size,
                        "sha256": sha256_of(snap.path),
                        **snap.details,
                    },
                    "tables": snap.tables,
                    "storages": {
                        alias: type(storages[alias]).__module__
                        + "."
                        + type(storages[alias]).__name__
                        for alias in STORAGES
                    },
                    "files": files,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                _add_file(tar, MANIFEST, len(data), io.BytesIO(data))
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
    return final


# --- restore ----------------------------------------------------------------------------


@dataclass
class Restored:
    manifest: dict
    notes: list[str] = field(default_factory=list)


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            handle = tar.extractfile(MANIFEST)
            manifest = json.loads(handle.read())
    except FileNotFoundError:
        raise BackupError(f"There is no archive at {archive}.") from None
    except (tarfile.TarError, OSError, EOFError, KeyError, ValueError, AttributeError):
        raise BackupError(
            f"{archive} is not a complete tracker backup (it cannot be read or has no "
            "manifest): it may be damaged or cut short. Nothing was restored."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a tracker backup of a format this version reads.")
    return manifest


def _check_archive(archive: Path, manifest: dict, folder: Path) -> Path:
    """Read every member, checking each against the manifest, before anything is touched;
    the database member is extracted into `folder`. Its path."""
    wanted = {
        f"{FILES_PREFIX}/{f['storage']}/{_safe_path(f['path'])}": f for f in manifest["files"]
    }
    database = manifest["database"]
    seen, problems, extracted = set(), [], folder / database["member"]
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or (
                    member.name not in wanted and member.name != database["member"]
                ):
                    problems.append(f"{member.name} is in the archive but not in its manifest")
                    continue
                seen.add(member.name)
                handle = tar.extractfile(member)
                if member.name == database["member"]:
                    with open(extracted, "wb") as out:
                        shutil.copyfileobj(handle, out, CHUNK)
                    size, digest = extracted.stat().st_size, sha256_of(extracted)
                    expected = database
                else:
                    reader = _Hashing(handle)
                    while reader.read(CHUNK):
                        pass
                    size, digest = reader.size, reader.digest.hexdigest()
                    expected = wanted[member.name]
                if (size, digest) != (expected["size"], expected["sha256"]):
                    problems.append(f"{member.name} does not match its checksum in the manifest")
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(
            f"{archive} is damaged (it could not be read to the end). Nothing was restored."
        ) from None
    for name in sorted((set(wanted) | {database["member"]}) - seen):
        problems.append(f"{name} is in the manifest but missing from the archive")
    if problems:
        raise BackupError(
            "The archive does not match its manifest, so nothing was restored:\n- "
            + "\n- ".join(problems)
        )
    return extracted


def database_holdings(database: str = "default") -> dict[str, int]:
    """The tables that hold the service's records, and their rows (migrate's own excluded)."""
    connection = connections[database]
    with connection.cursor() as cursor:
        tables = [t for t in _tables(cursor, connection) if t not in MADE_BY_MIGRATE]
        counts = _row_counts(cursor, connection, tables)
    return {table: rows for table, rows in counts.items() if rows}


def storage_holdings() -> list[str]:
    return [f"{alias}:{name}" for alias in STORAGES for name in stored_files(storages[alias])]


def _restore_postgresql(alias: str, dump: Path, manifest: dict, notes: list[str]) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    server = connection.pg_version
    pg_restore, tool = _pg_tool("pg_restore", server)
    made_by = manifest["database"].get("tool", "")
    dumped = _major(made_by)
    if dumped > _major(tool):
        raise BackupError(
            f"The archive was made by {made_by}, newer than {tool} here: install that version's"
            " client tools and try again."
        )
    if dumped and dumped != server // 10000:
        notes.append(
            f"The archive was made by {made_by}; this server is PostgreSQL "
            f"{_pg_version(server)}. pg_restore read it, but check the service carefully."
        )
    with connection.cursor() as cursor:
        has_tables = bool(_tables(cursor, connection))
    connection.close()  # hold nothing open while pg_restore replaces the tables
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if has_tables:  # migrate's own tables, or (forced) the data being replaced: drop them first
        command[4:4] = ["--clean", "--if-exists"]
    env = _pg_env(connection.settings_dict)
    env.pop("PGDATABASE", None)
    _run([*command, str(dump)], env)


def _restore_sqlite(alias: str, copy: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)  # replaces the whole database, schema included
    finally:
        source.close()


def _restore_files(archive: Path, manifest: dict) -> None:
    by_member = {f"{FILES_PREFIX}/{f['storage']}/{f['path']}": f for f in manifest["files"]}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            entry = by_member.get(member.name)
            if entry is None:
                continue
            storage = storages[entry["storage"]]
            saved = storage.save(entry["path"], File(tar.extractfile(member), name=entry["path"]))
            if saved != entry["path"]:
                raise BackupError(
                    f"{entry['path']} was stored as {saved}: the storage is not empty."
                )


def verify(manifest: dict, database: str = "default") -> list[str]:
    """Every difference between the manifest and what the database and storage now hold."""
    connection = connections[database]
    problems = []
    with connection.cursor() as cursor:
        counts = _row_counts(cursor, connection, _tables(cursor, connection))
    for table, rows in sorted(manifest["tables"].items()):
        if table not in counts:
            problems.append(f"table {table} is missing")
        elif counts[table] != rows:
            problems.append(f"table {table} has {counts[table]} rows; the backup had {rows}")
    for entry in manifest["files"]:
        storage = storages[entry["storage"]]
        label = f"file {entry['path']}"
        if not storage.exists(entry["path"]):
            problems.append(f"{label} is missing")
            continue
        with storage.open(entry["path"], "rb") as handle:
            reader = _Hashing(handle)
            while reader.read(CHUNK):
                pass
        if (reader.size, reader.digest.hexdigest()) != (entry["size"], entry["sha256"]):
            problems.append(f"{label} differs from the backup (size or checksum)")
    return problems


def _migration_notes(manifest: dict) -> list[str]:
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_backup = {tuple(pair) for pair in manifest["migrations"]}
    notes = []
    unknown = sorted(in_backup - on_disk)
    if unknown:
        notes.append(
            "The backup was made by a newer version of the code (migrations this code does not "
            f"have: {', '.join('.'.join(m) for m in unknown[:5])}). Deploy version "
            f"{manifest['app_version']} or later before serving it."
        )
    if on_disk - in_backup:
        notes.append(
            "This code has migrations the backup had not run: run `manage.py migrate` before "
            "serving it."
        )
    return notes


def restore_backup(archive, database: str = "default", force: bool = False) -> Restored:
    """Restore the archive into an empty database and storage (or over them, forced), then
    check every row count and file against the manifest. Raises BackupError on any problem."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    vendor = _vendor(database)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The archive holds a {manifest['database']['vendor']} database; this service uses "
            f"{vendor}. Restore it into a {manifest['database']['vendor']} database."
        )
    result = Restored(manifest)
    with tempfile.TemporaryDirectory(prefix="tracker-restore-") as work:
        dump = _check_archive(archive, manifest, Path(work))
        rows, files = database_holdings(database), storage_holdings()
        if (rows or files) and not force:
            held = []
            if rows:
                held.append(
                    f"the database holds records ({sum(rows.values())} rows in {len(rows)} "
                    f"tables, e.g. {', '.join(sorted(rows)[:3])})"
                )
            if files:
                held.append(f"the storage holds {plural(len(files), 'file')}")
            raise BackupError(
                "Not restoring: "
                + " and ".join(held)
                + ". Restore into an empty database and storage, or give --force to replace "
                "everything they hold with the backup."
            )
        if force:
            for alias in STORAGES:
                storage = storages[alias]
                for name in list(stored_files(storage)):
                    storage.delete(name)
        if vendor == "postgresql":
            _restore_postgresql(database, dump, manifest, result.notes)
        else:
            _restore_sqlite(database, dump)
    _restore_files(archive, manifest)
    for alias in caches:  # pages are cached by the plan's counter, which went back in time
        with contextlib.suppress(Exception):
            caches[alias].clear()
    problems = verify(manifest, database)
    if problems:
        raise BackupError("Restored, but it does not match the backup:\n- " + "\n- ".join(problems))
    result.notes.extend(_migration_notes(manifest))
    return result
