"""The open data: a published strategy's approved progress as CSV and JSON, under the Open
Government Licence v3.0.

Each dataset is one query streamed a chunk at a time (`.iterator()`: a server-side cursor on
PostgreSQL), so a download costs the same few queries and bounded memory at any size; names
joined per row (an action's organisations) come from per-row subqueries in that one query.
Only approved records are read (the default managers), and of people only their
organisation: never a name or an email address.

Licence: the JSON carries it in its `metadata`; a CSV has no place for metadata that every
reader keeps (a comment line breaks CSV readers), so every CSV row carries a `licence` column
(the SPDX identifier OGL-UK-3.0), every CSV response a `Link: <…>; rel="license"` header, and
the open data page states it in words (docs/decisions.md).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    ActionPartner,
    CouncilAction,
    Decision,
    Milestone,
    ProgressUpdate,
    StrategyAction,
)
from actions.status import Status
from indicators.models import Indicator, IndicatorValue
from reports.exports import FORMULA_TRIGGERS, Echo, JoinedText, in_pieces
from strategy.models import Strategy

LICENCE = "Open Government Licence v3.0"
LICENCE_ID = "OGL-UK-3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CHUNK_SIZE = 2000

STATUS_LABELS = {status.value: status.label for status in Status}
DECISION_LABELS = {decision.value: decision.label for decision in Decision}


def _names(queryset, field: str, outer: str):
    """A per-row subquery joining `field` over `queryset`'s rows for the outer row, "; "."""
    return Subquery(
        queryset.filter(**{outer: OuterRef("pk")})
        .values(outer)
        .annotate(joined=JoinedText(field))
        .values("joined"),
        output_field=CharField(),
    )


def _sorted(joined: str | None) -> str:
    return "; ".join(sorted(joined.split("; "))) if joined else ""


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: Callable[[Strategy, str], Iterator[tuple]]  # (strategy, site address) -> rows


_SENTINEL = 2147483647


def _address(base: str, name: str, strategy: Strategy) -> Callable[[int], str]:
    """The address of a page of the strategy by its id, reversed once (not once a row: at
    50,000 rows `reverse()` was most of a download's time)."""
    before, after = (base + reverse(name, args=[strategy.slug, _SENTINEL])).split(str(_SENTINEL))
    return lambda pk: f"{before}{pk}{after}"


def _local_date(tz):
    """A moment's date where the council is, the zone looked up once per download."""
    return lambda moment: moment.astimezone(tz).date() if moment else None


def _actions(strategy: Strategy, base: str) -> Iterator[tuple]:
    url = _address(base, "public_action", strategy)
    local_date = _local_date(timezone.get_current_timezone())
    partners = ActionPartner.objects.order_by()
    rows = (
        StrategyAction.objects.filter(theme__strategy=strategy)
        .annotate(
            lead=_names(partners.filter(role="lead"), "partner__name", "strategy_action"),
            supporting=_names(
                partners.filter(role="supporting"), "partner__name", "strategy_action"
            ),
        )
        .order_by("plan_position", "pk")
        .values_list(
            "pk",
            "theme__number",
            "theme__title",
            "reference",
            "text",
            "status",
            "percent_complete",
            "original_target_date",
            "revised_target_date",
            "lead",
            "supporting",
            "last_update__created_at",
            "last_update__organisation__name",
            "last_update__narrative",
        )
    )
    for (pk, number, title, ref, text, status, percent, original, revised, lead, supporting,
         updated, organisation, narrative) in rows.iterator(chunk_size=CHUNK_SIZE):  # fmt: skip
        yield (
            ref, number, title, text, STATUS_LABELS.get(status, status), percent,
            original, revised, revised or original, _sorted(lead), _sorted(supporting),
            local_date(updated), organisation or "", narrative or "", url(pk),
        )  # fmt: skip


def _updates(strategy: Strategy, base: str) -> Iterator[tuple]:
    url = _address(base, "public_action", strategy)
    local_date = _local_date(timezone.get_current_timezone())
    rows = (
        ProgressUpdate.objects.filter(strategy_action__theme__strategy=strategy)
        .order_by("strategy_action__plan_position", "created_at", "pk")
        .values_list(
            "strategy_action_id",
            "strategy_action__reference",
            "created_at",
            "organisation__name",
            "status",
            "percent_complete",
            "revised_target_date",
            "narrative",
            "next_steps",
        )
    )
    for (
        action_id,
        ref,
        created,
        organisation,
        status,
        percent,
        revised,
        narrative,
        steps,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        yield (
            ref, local_date(created), organisation or "", STATUS_LABELS.get(status, status),
            percent, revised, narrative, steps, url(action_id),
        )  # fmt: skip


def _council_actions(strategy: Strategy, base: str) -> Iterator[tuple]:
    url = _address(base, "public_action", strategy)
    local_date = _local_date(timezone.get_current_timezone())
    rows = (
        CouncilAction.objects.filter(strategy_action__theme__strategy=strategy)
        .order_by("plan_position", "position", "pk")
        .values_list(
            "strategy_action_id",
            "strategy_action__reference",
            "reference",
            "text",
            "responsible_unit__name",
            "decision",
            "decided_by_body",
            "decided_on",
            "decision_reason",
            "status",
            "percent_complete",
            "original_target_date",
            "revised_target_date",
            "last_input__created_at",
            "last_input__commentary",
        )
    )
    for (action_id, action_ref, ref, text, unit, decision, body, decided_on, reason, status,
         percent, original, revised, input_at, commentary) in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):  # fmt: skip
        yield (
            action_ref, ref, text, unit, DECISION_LABELS.get(decision, ""), body, decided_on,
            reason, STATUS_LABELS.get(status, status), percent, original, revised,
            revised or original, local_date(input_at), commentary or "", url(action_id),
        )  # fmt: skip


def _milestones(strategy: Strategy, base: str) -> Iterator[tuple]:
    url = _address(base, "public_action", strategy)
    # Two queries, one per kind of action: each keeps to its own indexed join.
    of_actions = (
        Milestone.objects.filter(strategy_action__theme__strategy=strategy)
        .order_by("strategy_action__plan_position", "due_date", "pk")
        .values_list(
            "strategy_action_id", "strategy_action__reference", "title", "due_date", "owner__name",
            "done_on",
        )
    )  # fmt: skip
    for action_id, ref, title, due, owner, done in of_actions.iterator(chunk_size=CHUNK_SIZE):
        yield ref, "", title, due, owner, done, url(action_id)
    of_council = (
        Milestone.objects.filter(council_action__strategy_action__theme__strategy=strategy)
        .order_by("council_action__plan_position", "due_date", "pk")
        .values_list(
            "council_action__strategy_action_id", "council_action__strategy_action__reference",
            "council_action__reference", "title", "due_date", "owner__name", "done_on",
        )
    )  # fmt: skip
    for action_id, ref, council_ref, title, due, owner, done in of_council.iterator(
        chunk_size=CHUNK_SIZE
    ):
        yield ref, council_ref, title, due, owner, done, url(action_id)


def _indicators(strategy: Strategy, base: str) -> Iterator[tuple]:
    url = _address(base, "public_indicator", strategy)
    rows = (
        Indicator.objects.filter(strategy=strategy)
        .order_by("name", "pk")
        .values_list(
            "pk", "name", "definition", "unit", "direction", "baseline_value", "baseline_date",
            "frequency", "owner__name", "source",
        )
    )  # fmt: skip
    directions = dict(Indicator.Direction.choices)
    frequencies = dict(Indicator.Frequency.choices)
    for (
        pk,
        name,
        definition,
        unit,
        direction,
        baseline,
        baseline_on,
        frequency,
        owner,
        source,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        yield (
            name, definition, unit, directions.get(direction, direction), baseline, baseline_on,
            frequencies.get(frequency, frequency), owner, source,
            url(pk),
        )  # fmt: skip


def _indicator_values(strategy: Strategy, base: str) -> Iterator[tuple]:
    url = _address(base, "public_indicator", strategy)
    rows = (
        IndicatorValue.objects.filter(indicator__strategy=strategy)
        .order_by("indicator__name", "indicator_id", "measured_on", "pk")
        .values_list(
            "indicator_id", "indicator__name", "indicator__unit", "measured_on", "value",
            "organisation__name", "note", "source",
        )
    )  # fmt: skip
    for pk, name, unit, measured_on, value, organisation, note, source in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        yield (
            name, unit, measured_on, value, organisation or "", note, source,
            url(pk),
        )  # fmt: skip


DATASETS = {
    dataset.key: dataset
    for dataset in [
        Dataset(
            "actions",
            "Strategy actions",
            "Each strategy action with its approved status, percent complete, target date, "
            "responsible organisations and latest approved narrative.",
            (
                "reference",
                "theme_number",
                "theme",
                "action",
                "status",
                "percent_complete",
                "original_target_date",
                "revised_target_date",
                "target_date",
                "lead_organisations",
                "supporting_organisations",
                "last_update_on",
                "last_update_organisation",
                "last_update_narrative",
                "url",
            ),
            _actions,
        ),
        Dataset(
            "progress-updates",
            "Progress updates",
            "Every approved progress update: its date, the organisation that posted it, the "
            "status and percent it reported, what has happened and the next steps.",
            (
                "action_reference",
                "date",
                "organisation",
                "status",
                "percent_complete",
                "revised_target_date",
                "narrative",
                "next_steps",
                "url",
            ),
            _updates,
        ),
        Dataset(
            "council-actions",
            "Proposed council actions",
            "Each proposed council action with the council unit responsible, the decision on it "
            "and why, its approved status, percent complete and latest approved commentary.",
            (
                "action_reference",
                "reference",
                "council_action",
                "responsible_unit",
                "decision",
                "decided_by",
                "decided_on",
                "decision_reason",
                "status",
                "percent_complete",
                "original_target_date",
                "revised_target_date",
                "target_date",
                "last_input_on",
                "last_input_commentary",
                "url",
            ),
            _council_actions,
        ),
        Dataset(
            "milestones",
            "Milestones",
            "The dated steps of each action: what, when it is due, the organisation that owns "
            "it and when it was done.",
            (
                "action_reference",
                "council_action_reference",
                "milestone",
                "due_on",
                "owner_organisation",
                "done_on",
                "url",
            ),
            _milestones,
        ),
        Dataset(
            "indicators",
            "Indicators",
            "The strategy's indicators: what is measured, in what unit, which way is better, "
            "the baseline and the organisation that measures it.",
            (
                "indicator",
                "definition",
                "unit",
                "which_way_is_better",
                "baseline_value",
                "baseline_date",
                "frequency",
                "measured_by",
                "source",
                "url",
            ),
            _indicators,
        ),
        Dataset(
            "indicator-values",
            "Indicator values",
            "Every approved value of each indicator, as measured on a date.",
            (
                "indicator",
                "unit",
                "measured_on",
                "value",
                "organisation",
                "note",
                "source",
                "url",
            ),
            _indicator_values,
        ),
    ]
}


# --- Writing -------------------------------------------------------------------------------


def _csv_cell(value):
    """A cell: dates as ISO 8601, numbers as they are, text a spreadsheet could run as a
    formula prefixed with a quote (OWASP's advice, as the plan's own export does)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_lines(dataset: Dataset, strategy: Strategy, base: str) -> Iterator[str]:
    """The dataset as CSV, a line at a time: a byte order mark (so that Excel reads UTF-8),
    the header, then each row with the licence in its last column."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    yield writer.writerow([*dataset.columns, "licence"])
    for row in dataset.rows(strategy, base):
        yield writer.writerow([*(_csv_cell(value) for value in row), LICENCE_ID])


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def metadata(dataset: Dataset, strategy: Strategy, base: str, last_update) -> dict:
    return {
        "title": f"{strategy.title}: {dataset.title.lower()}",
        "description": dataset.description,
        "publisher": None,  # filled in by the view with the council's name
        "licence": LICENCE,
        "licence_id": LICENCE_ID,
        "licence_url": LICENCE_URL,
        "strategy": strategy.title,
        "strategy_url": base + reverse("public_strategy", args=[strategy.slug]),
        "last_approved_update": last_update.isoformat() if last_update else None,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "columns": list(dataset.columns),
    }


def json_pieces(dataset: Dataset, strategy: Strategy, base: str, meta: dict) -> Iterator[str]:
    """The dataset as one JSON document, written a row at a time: {"metadata": …, "rows":
    [{column: value, …}, …]}."""
    yield '{"metadata": ' + json.dumps(meta, ensure_ascii=False) + ', "rows": ['
    first = True
    for row in dataset.rows(strategy, base):
        item = json.dumps(
            dict(zip(dataset.columns, row, strict=True)), default=_json_value, ensure_ascii=False
        )
        yield item if first else ",\n" + item
        first = False
    yield "]}\n"


def streamed(lines: Iterator[str]) -> Iterator[str]:
    return in_pieces(lines)


# --- Kept files ----------------------------------------------------------------------------
# At 50,000 actions with 20 updates each, the progress updates alone are a million rows: a
# minute to write. Anyone may ask for them, so each download is written once per state of the
# plan: streamed to the first visitor and, as it goes, into the default storage under the
# plan's generation (reports/freshness.py); until the plan changes, later visitors are sent
# that file. A file of an older generation is removed when a newer one is kept.

KEPT_DIR = "open-data"


def kept_name(strategy: Strategy, generation, filename: str) -> str:
    return f"{KEPT_DIR}/{strategy.slug}/{generation}/{filename}"


def open_kept(name: str):
    """The kept file, opened, or None if there is none yet."""
    from django.core.files.storage import default_storage

    try:
        return default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        return None


def keeping(name: str, pieces: Iterator[str]) -> Iterator[bytes]:
    """`pieces`, encoded, written also to a temporary file that is kept under `name` once the
    last piece is sent (a download broken off keeps nothing)."""
    import tempfile

    from django.core.files import File
    from django.core.files.storage import default_storage

    with tempfile.TemporaryFile() as spool, contextlib.closing(pieces):
        for piece in pieces:
            data = piece.encode("utf-8")
            spool.write(data)
            yield data
        spool.seek(0)
        if not default_storage.exists(name):  # another visitor's may have been kept first
            default_storage.save(name, File(spool))
        _forget_older(name)


def _forget_older(name: str) -> None:
    """Remove the strategy's files kept under other generations than `name`'s."""
    from django.core.files.storage import default_storage

    strategy_dir, generation, _ = name.rsplit("/", 2)
    try:
        generations, _ = default_storage.listdir(strategy_dir)
    except (FileNotFoundError, OSError):
        return
    for other in generations:
        if other == generation:
            continue
        try:
            _, files = default_storage.listdir(f"{strategy_dir}/{other}")
            for file in files:
                default_storage.delete(f"{strategy_dir}/{other}/{file}")
        except (FileNotFoundError, OSError):
            continue
