"""Importing a spreadsheet: a preview kept on an ImportRecord, then, once the person confirms,
every change in one transaction, each through the service that owns it where there is one
(milestones, proposed council actions added, indicators, progress updates) and recorded in
history with who imported it (`_history_user`) and the ImportRecord with the file's name.

A confirmation compares the plan afresh: if what it would write is no longer what was
previewed (someone changed the plan meanwhile), it writes nothing and says so (Stale).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F as Field
from django.utils import timezone

from accounts.models import Partner, User
from actions import services as action_services
from actions.models import ActionPartner, CouncilAction, Milestone, StrategyAction, SubPoint
from indicators import services as indicator_services
from indicators.models import Indicator
from reports import plan_format as F
from strategy import jobs
from strategy.models import Strategy
from themes.models import Theme

from . import plan, progress, reading
from . import values as V
from .models import ImportRecord

STALE = (
    "The plan has changed since you previewed this file, so nothing was imported. "
    "Upload the file again to see what it would change now."
)


class Stale(Exception):
    pass


class NotApplicable(Exception):
    """The confirmation was refused with a message for the person (nothing was written)."""


def _columns(kind: str) -> dict[str, list[str]]:
    if kind == ImportRecord.Kind.PROGRESS:
        return {progress.SHEET: progress.HEADERS}
    return {name: columns for name, (columns, _required) in F.IMPORT_COLUMNS.items()}


def _compare(record: ImportRecord):
    if record.kind == ImportRecord.Kind.PROGRESS:
        return progress.compare(record.data, record.uploaded_by)
    return plan.compare(record.data)


def _previewed(record: ImportRecord, read: reading.Upload) -> None:
    """Keep what was read and what it would change on the record, ready to confirm."""
    record.data = read.as_json()
    record.sha256, record.size = read.sha256, read.size
    comparison = _compare(record)
    record.preview_digest = comparison.digest
    record.counts = comparison.counts
    record.error_count = len(comparison.errors)
    record.preview = {
        "errors": [error.as_json() for error in comparison.errors[: plan.SHOWN]],
        "changes": [op.as_json() for op in comparison.operations[: plan.SHOWN]],
        "change_count": len(comparison.operations),
    }
    record.state = ImportRecord.State.PREVIEWED


def _csv_sheet(kind: str) -> str:
    return progress.SHEET if kind == ImportRecord.Kind.PROGRESS else F.STRATEGY_ACTIONS


def preview(*, upload, kind: str, uploaded_by: User) -> ImportRecord:
    """Read and check the uploaded file, compare it with the plan and keep the result for
    the person to confirm. Raises ValidationError for a file that cannot be read (nothing
    is kept)."""
    read = reading.read_upload(upload, _columns(kind), _csv_sheet(kind))
    record = ImportRecord(
        kind=kind, file_name=_name(upload), uploaded_by=uploaded_by, sha256=read.sha256, size=0
    )
    _previewed(record, read)
    record.save()
    return record


def _name(upload) -> str:
    return (upload.name or "upload").replace("\\", "/").rsplit("/", 1)[-1][-255:]


def start(*, upload, kind: str, uploaded_by: User) -> ImportRecord:
    """Preview an upload: a small file at once, in the request; a large one (reading 10,000
    actions takes openpyxl some 20 seconds) by a background job, once the quick checks
    (size, type, zip, macros) have passed. Raises ValidationError from those checks, or, for
    a small file, from reading it: nothing is kept."""
    if upload.size is not None and upload.size <= settings.IMPORT_INLINE_BYTES:
        return preview(upload=upload, kind=kind, uploaded_by=uploaded_by)
    _kind, sha256 = reading.check_upload(upload)
    record = ImportRecord.objects.create(
        kind=kind,
        state=ImportRecord.State.READING,
        file_name=_name(upload),
        sha256=sha256,
        size=upload.size,
        uploaded_by=uploaded_by,
        file=upload,
    )
    from .tasks import read_import

    jobs.send_on_commit(read_import, record.pk, not_queued=lambda: not_queued(record.pk))
    return record


def not_queued(record_id: int) -> None:
    """The broker could not be reached: the import says so; the person uploads it again."""
    record = ImportRecord.objects.filter(
        pk=record_id, state__in=[ImportRecord.State.READING, ImportRecord.State.APPLYING]
    ).first()
    if record is None:
        return
    record.state = ImportRecord.State.FAILED
    record.failure = "The file was not imported, and nothing was changed. " + jobs.NOT_QUEUED
    if record.file:
        record.file.delete(save=False)
    record.save()


def requeue(before) -> int:
    """Send again the reading of large uploads made before `before` and not read yet; hand
    back for confirming again those left being applied (who confirmed is not kept)."""
    from .tasks import read_import

    waiting = ImportRecord.objects.filter(state=ImportRecord.State.READING, uploaded_at__lt=before)
    sent = sum(
        jobs.send(read_import, pk, not_queued=lambda pk=pk: not_queued(pk))
        for pk in waiting.values_list("pk", flat=True)
    )
    ImportRecord.objects.filter(state=ImportRecord.State.APPLYING, uploaded_at__lt=before).update(
        state=ImportRecord.State.PREVIEWED
    )
    return sent


def read_stored(record_id: int) -> None:
    """The background job: read a stored upload, keep its preview or why it could not be
    read, and delete the file either way."""
    record = ImportRecord.objects.get(pk=record_id)
    if record.state != ImportRecord.State.READING:
        return  # read already (a job given again after its worker died)
    try:
        with record.file.open("rb") as stored:
            read = reading.read_upload(stored, _columns(record.kind), _csv_sheet(record.kind))
    except ValidationError as refusal:
        record.state, record.failure = ImportRecord.State.FAILED, refusal.messages[0]
    else:
        _previewed(record, read)
    record.file.delete(save=False)
    record.save()


def give_up(record_id: int) -> None:
    """The job failed past its retries: say so on the record, delete the file."""
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is None:
        return
    record.state = ImportRecord.State.FAILED
    record.failure = "The file could not be read just now. Upload it again later."
    if record.file:
        record.file.delete(save=False)
    record.save()


def comparison_of(record: ImportRecord):
    return _compare(record)


def confirm(
    *, record: ImportRecord, confirmed_by: User, state=ImportRecord.State.PREVIEWED
) -> ImportRecord:
    """Apply a previewed import in one transaction. Raises Stale (the plan changed since the
    preview: the record is marked out of date) or NotApplicable (it has errors, or was applied
    already): nothing of the plan is written. `state`: the one the record must be in (a
    queued confirmation, applied by the background job, is "applying")."""
    try:
        return _confirm(record=record, confirmed_by=confirmed_by, state=state)
    except Stale:
        ImportRecord.objects.filter(pk=record.pk).update(state=ImportRecord.State.STALE)
        raise


def runs_in_background(record: ImportRecord) -> bool:
    """Whether confirming writes so many rows that it is left to a background job (1,000
    changed actions took 17 s to write on the development machine)."""
    return record.preview.get("change_count", 0) > settings.IMPORT_INLINE_CHANGES


@transaction.atomic
def queue_confirm(*, record: ImportRecord, confirmed_by: User) -> None:
    """Leave a large confirmation to a background job: the record is "being imported"
    until the job has applied it (or said why not)."""
    record = ImportRecord.objects.select_for_update().get(pk=record.pk)
    if record.state != ImportRecord.State.PREVIEWED:
        raise NotApplicable("This file has already been imported, or is out of date.")
    record.state = ImportRecord.State.APPLYING
    record.save(update_fields=["state"])
    from .tasks import apply_import

    jobs.send_on_commit(
        apply_import, record.pk, confirmed_by.pk, not_queued=lambda: not_queued(record.pk)
    )


def apply_queued(record_id: int, user_id: int) -> None:
    """The background job: confirm a queued import; a refusal is kept on the record."""
    record = ImportRecord.objects.filter(pk=record_id, state=ImportRecord.State.APPLYING).first()
    if record is None:
        return  # applied already (a job given again after its worker died)
    try:
        confirm(
            record=record,
            confirmed_by=User.objects.get(pk=user_id),
            state=ImportRecord.State.APPLYING,
        )
    except Stale:
        pass  # marked out of date by confirm()
    except NotApplicable as refusal:
        # Only while still being applied: a job run twice must not undo the first's import.
        ImportRecord.objects.filter(pk=record_id, state=ImportRecord.State.APPLYING).update(
            state=ImportRecord.State.FAILED, failure=str(refusal)
        )


def give_up_applying(record_id: int) -> None:
    ImportRecord.objects.filter(pk=record_id, state=ImportRecord.State.APPLYING).update(
        state=ImportRecord.State.FAILED,
        failure="The file could not be imported just now, and nothing was changed. "
        "Upload it again later.",
    )


@transaction.atomic
def _confirm(*, record: ImportRecord, confirmed_by: User, state: str) -> ImportRecord:
    record = ImportRecord.objects.select_for_update().get(pk=record.pk)
    if record.state != state:
        raise NotApplicable("This file has already been imported, or is out of date.")
    comparison = _compare(record)
    if comparison.errors:
        raise NotApplicable("Fix the problems in the file and upload it again.")
    if comparison.digest != record.preview_digest:
        raise Stale(STALE)
    try:
        with transaction.atomic():
            if record.kind == ImportRecord.Kind.PROGRESS:
                written = progress.apply(comparison, author=confirmed_by)
            else:
                written = _apply_plan(comparison.operations, by=confirmed_by)
    except action_services.StaleEdit as error:
        raise Stale(STALE) from error
    except (ValidationError, IntegrityError) as error:
        raise NotApplicable(
            "The file could not be imported, and nothing was changed: "
            + "; ".join(getattr(error, "messages", [str(error)]))
        ) from error
    record.state = ImportRecord.State.APPLIED
    record.applied_at = timezone.now()
    record.counts = {"written": written, "preview": comparison.counts}
    record.data = {}  # applied: the rows are in the plan now, and its history
    record.save(update_fields=["state", "applied_at", "counts", "data"])
    return record


# --- Applying the plan ----------------------------------------------------------------------


def _by_sheet(operations):
    grouped = defaultdict(list)
    for operation in operations:
        grouped[operation.sheet].append(operation)
    return grouped


def _save(instance, by: User) -> None:
    instance.full_clean()
    instance._history_user = by
    instance.save()


def _set(instance, values: dict) -> None:
    for name, value in values.items():
        setattr(instance, name, value)


def _dated(values: dict, *names: str) -> dict:
    return {k: (V.parse_date(v) if k in names else v) for k, v in values.items()}


def _apply_plan(operations, *, by: User) -> dict[str, int]:
    grouped = _by_sheet(operations)
    written = {sheet: len(ops) for sheet, ops in grouped.items()}

    partners = {p.slug: p for p in Partner.objects.all()}
    for op in grouped[F.PARTNERS]:
        partner = partners.get(op.key[0]) or Partner(slug=op.key[0])
        _set(partner, op.values)
        _save(partner, by)
        partners[partner.slug] = partner

    strategies = {s.slug: s for s in Strategy.objects.all()}
    for op in grouped[F.STRATEGIES]:
        strategy = strategies.get(op.key[0]) or Strategy(slug=op.key[0])
        _set(strategy, op.values)
        _save(strategy, by)
        strategies[strategy.slug] = strategy

    themes = {(t.strategy.slug, t.number): t for t in Theme.objects.select_related("strategy")}
    for op in grouped[F.THEMES]:
        key = tuple(op.key)
        theme = themes.get(key) or Theme(strategy=strategies[key[0]], number=key[1])
        _set(theme, op.values)
        _save(theme, by)
        themes[key] = theme

    def action_of(key):
        return StrategyAction.objects.get(
            theme__strategy__slug=key[0], theme__number=key[1], reference=key[2]
        )

    # Positions first moved out of the way, so that actions swapping places never meet.
    moving = [
        op
        for op in grouped[F.STRATEGY_ACTIONS]
        if op.op == plan.CHANGED and "position" in op.values
    ]
    for op in moving:
        StrategyAction.objects.filter(pk=action_of(op.key).pk).update(
            position=Field("position") + 20000
        )
    for op in grouped[F.STRATEGY_ACTIONS]:
        key = tuple(op.key)
        values = _dated(op.values, "original_target_date")
        if op.op == plan.NEW:
            action = StrategyAction(theme=themes[key[:2]], reference=key[2], **values)
        else:
            action = action_of(key)
            _set(action, values)
            action.version += 1  # a form opened before the import is now stale
        _save(action, by)

    for op in grouped[F.SUB_POINTS]:
        key = tuple(op.key)
        if op.op == plan.NEW:
            point = SubPoint(strategy_action=action_of(key[:3]), position=key[3])
        else:
            point = SubPoint.objects.get(strategy_action=action_of(key[:3]), position=key[3])
        _set(point, op.values)
        _save(point, by)

    for op in grouped[F.ACTION_PARTNERS]:
        key = tuple(op.key)
        action = action_of(key[:3])
        link = ActionPartner.objects.filter(
            strategy_action=action, partner=partners[key[3]]
        ).first()
        link = link or ActionPartner(strategy_action=action, partner=partners[key[3]])
        _set(link, op.values)
        _save(link, by)

    def council_of(key):
        return CouncilAction.objects.get(
            strategy_action__theme__strategy__slug=key[0],
            strategy_action__theme__number=key[1],
            strategy_action__reference=key[2],
            reference=key[3],
        )

    moving = [
        op for op in grouped[F.COUNCIL_ACTIONS] if op.op == plan.CHANGED and "position" in op.values
    ]
    for op in moving:
        CouncilAction.objects.filter(pk=council_of(op.key).pk).update(
            position=Field("position") + 20000
        )
    for op in grouped[F.COUNCIL_ACTIONS]:
        key = tuple(op.key)
        values = _dated(op.values, "original_target_date")
        if "responsible_unit" in values:
            values["responsible_unit"] = partners[values["responsible_unit"]]
        if op.op == plan.NEW:
            council_action = CouncilAction(
                strategy_action=action_of(key[:3]),
                reference=key[3],
                added_by=by,
                added_at=timezone.now(),
                **values,
            )
        else:
            council_action = council_of(key)
            _set(council_action, values)
            council_action.version += 1
        _save(council_action, by)

    for op in grouped[F.MILESTONES]:
        values = _dated(op.values, "due_date")
        if op.op == plan.NEW:
            where = values["action"]
            action = council_of(where) if where[3] else action_of(where)
            action_services.add_milestone(
                action=action,
                added_by=by,
                title=values["title"],
                due_date=values["due_date"],
                owner=partners[values["owner"]],
            )
        else:
            milestone = Milestone.objects.get(pk=op.key[0])
            action_services.change_milestone(
                milestone=milestone,
                changed_by=by,
                title=values.get("title", milestone.title),
                due_date=values.get("due_date", milestone.due_date),
                owner=partners[values["owner"]] if "owner" in values else milestone.owner,
            )

    _apply_indicators(grouped, strategies, partners, by)
    return written


def _apply_indicators(grouped, strategies, partners, by: User) -> None:
    definitions = {tuple(op.key): op for op in grouped[F.INDICATORS]}
    target_changes = defaultdict(dict)
    for op in grouped[F.TARGETS]:
        slug, name, date = op.key
        target_changes[(slug, name)][V.parse_date(date)] = Decimal(op.values["value"])
    for key in sorted(set(definitions) | set(target_changes)):
        op = definitions.get(key)
        fields = {}
        if op is not None:
            fields = _dated(op.values, "baseline_date")
            if "owner" in fields:
                fields["owner"] = partners[fields["owner"]]
            if fields.get("baseline_value") is not None:
                fields["baseline_value"] = Decimal(fields["baseline_value"])
        if op is not None and op.op == plan.NEW:
            indicator_services.create_indicator(
                strategy=strategies[key[0]],
                created_by=by,
                name=key[1],
                targets=[(v, d) for d, v in sorted(target_changes[key].items())],
                **fields,
            )
            continue
        indicator = Indicator.objects.get(strategy__slug=key[0], name=key[1])
        targets = None
        if target_changes.get(key):
            current = {t.date: t.value for t in indicator.targets.all()}
            current.update(target_changes[key])
            targets = [(v, d) for d, v in sorted(current.items())]
        indicator_services.update_indicator(
            indicator=indicator, changed_by=by, targets=targets, **fields
        )
