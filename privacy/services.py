"""Subject access and erasure (UK GDPR articles 15 and 17), done for an administrator.

Both work from privacy/references.py, which finds every model that refers to a person from the
app registry, so records added by later apps are exported and handled without a change here.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from accounts.permissions import roles

from .models import Erasure, placeholder_for
from .references import CLEAR, DELETE, SECRET_FIELDS, historical_user_model, user_references

User = get_user_model()

ERASED_EMAIL_DOMAIN = "erased.invalid"  # a reserved name: never anyone's address


class ErasureRefused(Exception):
    """Why a person cannot be erased, in words for the administrator."""


def is_erased(person) -> bool:
    return Erasure.objects.filter(account_id=person.pk).exists()


def former_member_name(person) -> str:
    """What an erased person's records are credited to from now on."""
    if person.organisation_id is not None:
        return f"{person.organisation.name} (former member)"
    return "Former member"


# --- Sign-in records and other logs kept by name or address, not by a link --------------------


def _sign_in_models():
    """django-axes' records of sign-ins and failed attempts, if it is installed."""
    if not apps.is_installed("axes"):
        return []
    return [
        apps.get_model("axes", name) for name in ("AccessLog", "AccessAttempt", "AccessFailureLog")
    ]


def _names_of(person) -> Q:
    """Sign-in records are kept by the name typed: the username, or the email address."""
    query = Q(username=person.username)
    if person.email:
        query |= Q(username__iexact=person.email)
    return query


def sign_in_records(person):
    """(model, queryset) of every sign-in record kept under the person's username or email."""
    return [(model, model.objects.filter(_names_of(person))) for model in _sign_in_models()]


def password_reset_requests(person):
    PasswordResetRequest = apps.get_model("accounts", "PasswordResetRequest")
    if not person.email:
        return PasswordResetRequest.objects.none()
    return PasswordResetRequest.objects.filter(email__iexact=person.email)


def sessions_of(person) -> list[str]:
    """The keys of the person's sessions still open (sessions are kept in the database; they
    end within SESSION_IDLE_MINUTES anyway, so few are open at once)."""
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            keys.append(session.session_key)
    return keys


# --- What is held: a summary, and the export -------------------------------------------------


@dataclass
class Held:
    """How many records of one kind refer to the person."""

    label: str
    count: int


def _label(model, field_name: str | None = None) -> str:
    name = str(model._meta.verbose_name_plural)
    return f"{name} ({field_name.replace('_', ' ')})" if field_name else name


def what_is_held(person) -> list[Held]:
    """Every kind of record that refers to the person, with how many (the person's page)."""
    held = [
        Held(_label(ref.model, ref.field.name), ref.rows(person).count())
        for ref in user_references()
    ]
    held += [Held(_label(model), rows.count()) for model, rows in sign_in_records(person)]
    held.append(Held("password reset requests", password_reset_requests(person).count()))
    return [h for h in held if h.count]


def _row(obj_values: dict) -> dict:
    return {k: v for k, v in obj_values.items() if k not in SECRET_FIELDS}


def _write_json_rows(archive: zipfile.ZipFile, name: str, rows) -> int:
    """Write rows (dicts) as a JSON list, one at a time (memory stays flat)."""
    count = 0
    with archive.open(name, "w") as out:
        out.write(b"[\n")
        for row in rows:
            if count:
                out.write(b",\n")
            out.write(json.dumps(_row(row), default=str, ensure_ascii=False).encode())
            count += 1
        out.write(b"\n]\n")
    return count


def _values(queryset):
    fields = [f.attname for f in queryset.model._meta.concrete_fields]
    return queryset.order_by("pk").values(*fields).iterator(chunk_size=1000)


README = """What {service} holds about account {pk}, exported on {when}.

account.json: the account (name, email address, organisation, roles; never the password).
records/: one file per kind of record that refers to the person, named
  <app>.<record>.<field>.json: the records they wrote, reviewed, decided or changed, and the
  history of changes (historical...history_user.json: each change they made). Files are
  listed by their name and size, not included.
sign-in/: the sign-in records and failed attempts kept under their username or email address.
password-reset-requests.json: password reset links asked for with their email address.
api-tokens.json: their API tokens' names, first characters and dates (never the token).
"""


def export(*, person, by) -> tempfile.SpooledTemporaryFile:
    """Everything held about `person`, as a zip of JSON files, for an administrator.

    Written to a spooled temporary file (in memory up to 8 MB, then on disk), row by row, so
    one prolific person's records never fill the memory: docs/decisions.md.
    """
    permissions.check_can_manage_personal_data(by)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        account = _row(User.objects.filter(pk=person.pk).values().get())
        account["organisation"] = person.organisation.name if person.organisation_id else None
        account["roles"] = sorted(roles(person)) or sorted(
            person.groups.values_list("name", flat=True)
        )
        account["sessions_open"] = len(sessions_of(person))
        archive.writestr("account.json", json.dumps(account, default=str, indent=1))
        for ref in user_references():
            rows = ref.rows(person)
            if rows.exists():
                _write_json_rows(archive, f"records/{ref.key}.json", _values(rows))
        for model, rows in sign_in_records(person):
            _write_json_rows(archive, f"sign-in/{model._meta.label}.json", _values(rows))
        _write_json_rows(
            archive, "password-reset-requests.json", _values(password_reset_requests(person))
        )
        _write_json_rows(archive, "api-tokens.json", _api_tokens(person))
        archive.writestr(
            "README.txt",
            README.format(service="the tracker", pk=person.pk, when=timezone.now().isoformat()),
        )
    spool.seek(0)
    return spool


def _api_tokens(person):
    """The person's API tokens: name, first characters and dates; never the digest."""
    if not apps.is_installed("knox"):
        return []
    AuthToken = apps.get_model("knox", "AuthToken")
    details = {}
    if apps.is_installed("api"):
        ApiToken = apps.get_model("api", "ApiToken")
        details = {t.token_id: t for t in ApiToken.objects.filter(token__user=person)}
    for token in AuthToken.objects.filter(user=person).order_by("created"):
        detail = details.get(token.digest)
        yield {
            "name": detail.name if detail else "",
            "first_characters": token.token_key,
            "created": token.created,
            "expires": token.expiry,
            "last_used": detail.last_used_at if detail else None,
        }


# --- Erasure ---------------------------------------------------------------------------------


def check_can_erase(*, person, by) -> None:
    """Raise ErasureRefused with the reason an administrator cannot erase this person."""
    if person.pk == by.pk:
        raise ErasureRefused(
            "You cannot erase your own account. Ask another administrator to do it."
        )
    if is_erased(person):
        raise ErasureRefused("This person has already been erased.")


@transaction.atomic
def erase(*, person, by) -> Erasure:
    """Erase a person: their name, email address and username go, with their sign-in records,
    personal logs, API tokens, sessions and roles. The records they wrote stay, credited to
    their organisation ("<Organisation> (former member)"), and history keeps pointing at the
    account, which now identifies no one. Recorded as an Erasure, without the erased details.
    One transaction: all of it, or nothing.
    """
    permissions.check_can_manage_personal_data(by)
    person = (
        User.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=person.pk)
    )
    check_can_erase(person=person, by=by)
    counts: dict[str, int] = {}

    def note(label: str, count: int) -> None:
        if count:
            counts[label] = counts.get(label, 0) + count

    # Logs kept by name or address, before the name and address go.
    for model, rows in sign_in_records(person):
        note(model._meta.label, rows.delete()[1].get(model._meta.label, 0))
    resets = password_reset_requests(person)
    note("accounts.PasswordResetRequest", resets.delete()[0])
    keys = sessions_of(person)
    note("sessions", Session.objects.filter(session_key__in=keys).delete()[0])

    # Everything that links to the person, found from the app registry.
    for ref in user_references():
        rows = ref.rows(person)
        if ref.policy == DELETE:
            note(ref.key, _delete(rows))
        elif ref.policy == CLEAR:
            for row in rows:
                getattr(row, ref.field.name).remove(person)
                note(ref.key, 1)
        else:
            note(ref.key, rows.count())  # kept, credited to the organisation
    note("downloads (anyone's, made before the erasure)", _delete_old_downloads())

    # The admin's log names the account in its description of changes to it.
    placeholder = placeholder_for(person.pk)
    if apps.is_installed("django.contrib.admin"):
        LogEntry = apps.get_model("admin", "LogEntry")
        about = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)
        )
        note("admin log entries about the account", about.update(object_repr=placeholder))

    # The account itself.
    name = former_member_name(person)
    email = f"{placeholder}@{ERASED_EMAIL_DOMAIN}"
    note("roles", person.groups.count())
    person.groups.clear()
    person.user_permissions.clear()
    person.username, person.full_name, person.email = placeholder, name, email
    person.set_unusable_password()
    person.is_active = person.is_staff = person.is_superuser = False
    person.last_login = None
    person.save()
    history = historical_user_model()
    if history is not None:  # copies of the account's own fields, if its history is kept
        note(
            "account history",
            history.objects.filter(id=person.pk).update(
                username=placeholder, full_name=name, email=email, password=person.password
            ),
        )
    return Erasure.objects.create(erased_by=by, account_id=person.pk, counts=counts)


def _delete(rows) -> int:
    """Delete rows, and any files they keep."""
    file_fields = [
        f for f in rows.model._meta.concrete_fields if f.get_internal_type() == "FileField"
    ]
    for row in rows.iterator() if file_fields else []:
        for field in file_fields:
            kept = getattr(row, field.name)
            if kept:
                transaction.on_commit(lambda kept=kept: kept.storage.delete(kept.name))
    count = rows.count()
    rows.delete()
    return count


def _delete_old_downloads() -> int:
    """Every download made before now: exports and PDFs made for anyone may name the person;
    they are kept 7 days at most anyway and can be made again in seconds."""
    if not apps.is_installed("reports"):
        return 0
    Download = apps.get_model("reports", "Download")
    return _delete(Download.objects.filter(requested_at__lte=timezone.now()))


def erasure_of(person) -> Erasure | None:
    return Erasure.objects.filter(account_id=person.pk).select_related("erased_by").first()
