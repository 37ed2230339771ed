"""The plan in a spreadsheet compared with the plan in the tracker: for every row, whether it
is new, changed or unchanged (and what changes), and every problem with its sheet, row and
column in plain English.

Rows are matched by their keys, the fixtures' natural keys (reports/plan_format.py): a
strategy by its key, a theme by its strategy and number, a strategy action by its theme and
reference, and so on; a milestone, which has no natural key, by its ID. An import adds and
changes; it never deletes (a row missing from the file is left as it is).

The tracker's side is read in a fixed number of queries whatever the size of the plan: each
kind of record once, into a dictionary by key.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from accounts.models import Partner
from actions.models import ActionPartner, CouncilAction, Milestone, Role, StrategyAction, SubPoint
from indicators.models import Direction, Frequency, Indicator, IndicatorTarget
from reports import plan_format as F
from strategy.models import Strategy
from themes.models import Theme

from . import values as V

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
# The most errors and changed rows a preview lists (all are counted).
SHOWN = 500


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_json(self):
        return [self.sheet, self.row, self.column, self.message]


@dataclass
class Operation:
    """One row's effect: new or changed (its new values and, when changed, its old ones)."""

    sheet: str
    row: int
    key: list
    op: str
    values: dict
    before: dict = field(default_factory=dict)

    @property
    def differences(self) -> list[tuple[str, object, object]]:
        """(field, as it is, as the file has it), for the preview."""
        return [
            (name.replace("_", " "), self.before.get(name), value)
            for name, value in self.values.items()
        ]

    def as_json(self):
        return {
            "sheet": self.sheet,
            "row": self.row,
            "key": self.key,
            "op": self.op,
            "values": self.values,
            "before": self.before,
        }


@dataclass
class Comparison:
    operations: list[Operation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def count(self, sheet: str, what: str) -> None:
        tally = self.counts.setdefault(sheet, {NEW: 0, CHANGED: 0, UNCHANGED: 0})
        tally[what] = tally.get(what, 0) + 1

    @property
    def digest(self) -> str:
        """A fingerprint of what would be written: the same file against the same plan
        always gives the same one; a plan changed since gives another (services.confirm)."""
        payload = json.dumps([op.as_json() for op in self.operations], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def _described(key) -> str:
    return " ".join(str(part) for part in key if part not in (None, ""))


class _Sheet:
    """Reads one sheet's rows into operations, given the records it may match by key."""

    def __init__(self, comparison: Comparison, data: dict, name: str):
        self.comparison = comparison
        self.name = name
        sheet = data.get(name) or {"headers": [], "rows": []}
        self.rows = sheet["rows"]
        self.headers = sheet["headers"]
        self.seen: dict[tuple, int] = {}
        columns, self.required = F.IMPORT_COLUMNS[name]
        if self.rows:
            for column in sorted(self.required - set(self.headers), key=columns.index):
                self.error(None, column, f"The sheet has no ‘{column}’ column: add it")

    @property
    def usable(self) -> bool:
        return bool(self.rows) and not (self.required - set(self.headers))

    def error(self, row, column, message) -> None:
        self.comparison.errors.append(RowError(self.name, row, column, message))

    def each(self):
        """Each row as (row number, cells, reader): reader(column, parser, **kw) gives the
        parsed value, or None with the problem recorded against the cell."""
        if not self.usable:
            return
        for number, cells in self.rows:
            problems = []

            def read(column, parser, _cells=cells, _problems=problems, **kwargs):
                try:
                    return parser(_cells.get(column), **kwargs)
                except V.Problem as problem:
                    _problems.append((column, str(problem)))
                    return None

            yield number, read, problems

    def flush(self, number, problems) -> bool:
        for column, message in problems:
            self.error(number, column, message)
        return not problems

    def once(self, number, key) -> bool:
        first = self.seen.setdefault(tuple(key), number)
        if first != number:
            self.error(number, "", f"This row repeats row {first}: {_described(key)}")
            return False
        return True

    def compare(self, number, key, wanted: dict, existing: dict | None) -> Operation | None:
        if existing is None:
            self.comparison.count(self.name, NEW)
            operation = Operation(self.name, number, list(key), NEW, wanted)
        else:
            changed = {f: v for f, v in wanted.items() if existing.get(f) != v}
            if not changed:
                self.comparison.count(self.name, UNCHANGED)
                return None
            self.comparison.count(self.name, CHANGED)
            operation = Operation(
                self.name,
                number,
                list(key),
                CHANGED,
                changed,
                {f: existing.get(f) for f in changed},
            )
        self.comparison.operations.append(operation)
        return operation


def compare(data: dict) -> Comparison:
    """Compare the sheets read from a file (`data`, as kept on the ImportRecord) with the plan."""
    result = Comparison()

    # --- Partners -----------------------------------------------------------------------
    partners = {p["slug"]: p for p in Partner.objects.values("slug", "name", "short_name", "kind")}
    names = {p["name"].lower(): slug for slug, p in partners.items()}
    council_kinds = {str(kind) for kind in Partner.COUNCIL_KINDS}
    sheet = _Sheet(result, data, F.PARTNERS)
    for number, read, problems in sheet.each():
        key = read("Partner key", V.slug, name="the partner key")
        wanted = {
            "name": read("Name", V.text, required=True, max_length=200, name="the name"),
            "short_name": read("Short name", V.text, max_length=50, name="the short name"),
            "kind": read("Kind", V.choice, choices=Partner.Kind, name="the kind"),
        }
        if not sheet.flush(number, problems) or not sheet.once(number, [key]):
            continue
        owner = names.get(wanted["name"].lower())
        if owner is not None and owner != key:
            sheet.error(number, "Name", f"Another partner ({owner}) already has this name")
            continue
        names[wanted["name"].lower()] = key
        sheet.compare(number, [key], wanted, partners.get(key))
        partners.setdefault(key, wanted)

    # --- Strategies ---------------------------------------------------------------------
    strategies = {
        s["slug"]: s for s in Strategy.objects.values("slug", "title", "kind", "vision", "summary")
    }
    sheet = _Sheet(result, data, F.STRATEGIES)
    for number, read, problems in sheet.each():
        key = read("Strategy key", V.slug, name="the strategy key")
        wanted = {
            "title": read("Title", V.text, required=True, max_length=200, name="the title"),
            "kind": read("Kind", V.choice, choices=Strategy.Kind, required=False, name="the kind")
            or Strategy.Kind.STRATEGY.value,
            "vision": read("Vision", V.text, max_length=300, name="the vision"),
            "summary": read("Summary", V.text, name="the summary"),
        }
        if sheet.flush(number, problems) and sheet.once(number, [key]):
            sheet.compare(number, [key], wanted, strategies.get(key))
            strategies.setdefault(key, wanted)

    # --- Themes -------------------------------------------------------------------------
    themes = {
        (t["strategy__slug"], t["number"]): t
        for t in Theme.objects.values("strategy__slug", "number", "title", "description")
    }
    sheet = _Sheet(result, data, F.THEMES)
    for number, read, problems in sheet.each():
        key = (
            read("Strategy key", V.slug, name="the strategy key"),
            read("Theme number", V.whole, name="the theme number"),
        )
        wanted = {
            "title": read("Title", V.text, required=True, max_length=200, name="the title"),
            "description": read("Description", V.text, name="the description"),
        }
        if not sheet.flush(number, problems) or not sheet.once(number, key):
            continue
        if key[0] not in strategies:
            sheet.error(number, "Strategy key", _missing("strategy", key[0], F.STRATEGIES))
            continue
        sheet.compare(number, key, wanted, themes.get(key))
        themes.setdefault(key, wanted)

    # --- Strategy actions ---------------------------------------------------------------
    actions = {
        (a["theme__strategy__slug"], a["theme__number"], a["reference"]): {
            "position": a["position"],
            "text": a["text"],
            "original_target_date": V.iso(a["original_target_date"]),
        }
        for a in StrategyAction.objects.values(
            "theme__strategy__slug",
            "theme__number",
            "reference",
            "position",
            "text",
            "original_target_date",
        ).iterator(chunk_size=F.CHUNK_SIZE)
    }
    sheet = _Sheet(result, data, F.STRATEGY_ACTIONS)
    for number, read, problems in sheet.each():
        key = (
            read("Strategy key", V.slug, name="the strategy key"),
            read("Theme number", V.whole, name="the theme number"),
            read("Reference", V.text, required=True, max_length=20, name="the reference", key=True),
        )
        wanted = {
            "position": read("Position", V.whole, name="the position"),
            "text": read("Strategy action", V.text, required=True, name="the strategy action"),
            "original_target_date": read(
                "Original target date", V.date, name="the original target date"
            ),
        }
        if not sheet.flush(number, problems) or not sheet.once(number, key):
            continue
        if key[:2] not in themes:
            sheet.error(number, "Theme number", _missing("theme", _described(key[:2]), F.THEMES))
            continue
        sheet.compare(number, key, wanted, actions.get(key))
        actions[key] = {**actions.get(key, {}), **wanted}
    _unique_positions(result, F.STRATEGY_ACTIONS, actions, "theme", lambda k: k[:2])

    # --- Sub-points ---------------------------------------------------------------------
    sub_points = {
        (
            s["strategy_action__theme__strategy__slug"],
            s["strategy_action__theme__number"],
            s["strategy_action__reference"],
            s["position"],
        ): {"text": s["text"]}
        for s in SubPoint.objects.values(
            "strategy_action__theme__strategy__slug",
            "strategy_action__theme__number",
            "strategy_action__reference",
            "position",
            "text",
        ).iterator(chunk_size=F.CHUNK_SIZE)
    }
    sheet = _Sheet(result, data, F.SUB_POINTS)
    for number, read, problems in sheet.each():
        key = (
            *_action_key(read, "Action reference"),
            read("Position", V.whole, name="the position"),
        )
        wanted = {"text": read("Text", V.text, required=True, name="the text")}
        if not sheet.flush(number, problems) or not sheet.once(number, key):
            continue
        if key[:3] not in actions:
            sheet.error(number, "Action reference", _missing_action(key[:3]))
            continue
        sheet.compare(number, key, wanted, sub_points.get(key))

    # --- Action partners ----------------------------------------------------------------
    roles = {
        (
            r["strategy_action__theme__strategy__slug"],
            r["strategy_action__theme__number"],
            r["strategy_action__reference"],
            r["partner__slug"],
        ): {"role": r["role"]}
        for r in ActionPartner.objects.values(
            "strategy_action__theme__strategy__slug",
            "strategy_action__theme__number",
            "strategy_action__reference",
            "partner__slug",
            "role",
        ).iterator(chunk_size=F.CHUNK_SIZE)
    }
    sheet = _Sheet(result, data, F.ACTION_PARTNERS)
    for number, read, problems in sheet.each():
        key = (
            *_action_key(read, "Action reference"),
            read("Partner key", V.slug, name="the partner key"),
        )
        wanted = {"role": read("Role", V.choice, choices=Role, name="the role")}
        if not sheet.flush(number, problems) or not sheet.once(number, key):
            continue
        if key[:3] not in actions:
            sheet.error(number, "Action reference", _missing_action(key[:3]))
        elif key[3] not in partners:
            sheet.error(number, "Partner key", _missing("partner", key[3], F.PARTNERS))
        else:
            sheet.compare(number, key, wanted, roles.get(key))

    # --- Proposed council actions -------------------------------------------------------
    council = {
        (
            c["strategy_action__theme__strategy__slug"],
            c["strategy_action__theme__number"],
            c["strategy_action__reference"],
            c["reference"],
        ): {
            "position": c["position"],
            "text": c["text"],
            "responsible_unit": c["responsible_unit__slug"],
            "original_target_date": V.iso(c["original_target_date"]),
        }
        for c in CouncilAction.objects.values(
            "strategy_action__theme__strategy__slug",
            "strategy_action__theme__number",
            "strategy_action__reference",
            "reference",
            "position",
            "text",
            "responsible_unit__slug",
            "original_target_date",
        ).iterator(chunk_size=F.CHUNK_SIZE)
    }
    sheet = _Sheet(result, data, F.COUNCIL_ACTIONS)
    for number, read, problems in sheet.each():
        key = (
            *_action_key(read, "Strategy action reference"),
            read("Reference", V.text, required=True, max_length=20, name="the reference", key=True),
        )
        wanted = {
            "position": read("Position", V.whole, name="the position"),
            "text": read(
                "Proposed council action", V.text, required=True, name="the proposed council action"
            ),
            "responsible_unit": read(
                "Responsible unit key", V.slug, name="the responsible unit key"
            ),
            "original_target_date": read(
                "Original target date", V.date, name="the original target date"
            ),
        }
        if not sheet.flush(number, problems) or not sheet.once(number, key):
            continue
        if key[:3] not in actions:
            sheet.error(number, "Strategy action reference", _missing_action(key[:3]))
            continue
        unit = partners.get(wanted["responsible_unit"])
        if unit is None:
            sheet.error(
                number,
                "Responsible unit key",
                _missing("partner", wanted["responsible_unit"], F.PARTNERS),
            )
            continue
        if str(unit["kind"]) not in council_kinds:
            sheet.error(
                number,
                "Responsible unit key",
                f"{wanted['responsible_unit']} is not a council unit: name the council, a "
                "directorate, a division or a service",
            )
            continue
        sheet.compare(number, key, wanted, council.get(key))
        council[key] = {**council.get(key, {}), **wanted}
    _unique_positions(result, F.COUNCIL_ACTIONS, council, "strategy action", lambda k: k[:3])

    # --- Milestones ---------------------------------------------------------------------
    milestones = {}
    for m in Milestone.objects.values(
        "pk",
        "strategy_action__theme__strategy__slug",
        "strategy_action__theme__number",
        "strategy_action__reference",
        "council_action__strategy_action__theme__strategy__slug",
        "council_action__strategy_action__theme__number",
        "council_action__strategy_action__reference",
        "council_action__reference",
        "title",
        "due_date",
        "owner__slug",
    ).iterator(chunk_size=F.CHUNK_SIZE):
        if m["council_action__reference"] is None:
            action = [
                m["strategy_action__theme__strategy__slug"],
                m["strategy_action__theme__number"],
                m["strategy_action__reference"],
                "",
            ]
        else:
            action = [
                m["council_action__strategy_action__theme__strategy__slug"],
                m["council_action__strategy_action__theme__number"],
                m["council_action__strategy_action__reference"],
                m["council_action__reference"],
            ]
        milestones[m["pk"]] = {
            "action": action,
            "title": m["title"],
            "due_date": V.iso(m["due_date"]),
            "owner": m["owner__slug"],
        }
    sheet = _Sheet(result, data, F.MILESTONES)
    for number, read, problems in sheet.each():
        pk = read("Milestone ID", V.whole, required=False, high=2**62, name="the milestone ID")
        action = [
            *_action_key(read, "Action reference"),
            read(
                "Council action reference",
                V.text,
                max_length=20,
                name="the council action reference",
                key=True,
            ),
        ]
        wanted = {
            "action": action,
            "title": read("Title", V.text, required=True, max_length=200, name="the title"),
            "due_date": read("Due date", V.date, required=True, name="the due date"),
            "owner": read("Owner key", V.slug, name="the owner key"),
        }
        if not sheet.flush(number, problems):
            continue
        if pk is not None and not sheet.once(number, [pk]):
            continue
        where = tuple(action[:3])
        if where not in actions:
            sheet.error(number, "Action reference", _missing_action(where))
            continue
        if action[3] and (*where, action[3]) not in council:
            sheet.error(
                number,
                "Council action reference",
                f"There is no proposed council action {action[3]} under {where[2]}",
            )
            continue
        if wanted["owner"] not in partners:
            sheet.error(number, "Owner key", _missing("partner", wanted["owner"], F.PARTNERS))
            continue
        existing = milestones.get(pk) if pk is not None else None
        if pk is not None and existing is None:
            sheet.error(
                number,
                "Milestone ID",
                f"There is no milestone with ID {pk}: leave the ID empty to add a new milestone",
            )
            continue
        if existing is not None and existing["action"] != action:
            sheet.error(
                number,
                "Action reference",
                "A milestone cannot move to another action: add a new one instead",
            )
            continue
        sheet.compare(number, [pk] if pk is not None else [None, number], wanted, existing)

    # --- Indicators and their targets ---------------------------------------------------
    indicators = {
        (i["strategy__slug"], i["name"]): {
            "definition": i["definition"],
            "unit": i["unit"],
            "direction": i["direction"],
            "baseline_value": V.plain(i["baseline_value"]),
            "baseline_date": V.iso(i["baseline_date"]),
            "source": i["source"],
            "frequency": i["frequency"],
            "owner": i["owner__slug"],
        }
        for i in Indicator.objects.values(
            "strategy__slug",
            "name",
            "definition",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "source",
            "frequency",
            "owner__slug",
        )
    }
    new_indicators = set()
    sheet = _Sheet(result, data, F.INDICATORS)
    for number, read, problems in sheet.each():
        key = (
            read("Strategy key", V.slug, name="the strategy key"),
            read(
                "Indicator",
                V.text,
                required=True,
                max_length=200,
                name="the indicator's name",
                key=True,
            ),
        )
        wanted = {
            "definition": read(
                "Definition", V.text, required=True, max_length=2000, name="the definition"
            ),
            "unit": read("Unit", V.text, required=True, max_length=30, name="the unit"),
            "direction": read(
                "Which way is better",
                V.choice,
                choices=Direction,
                required=False,
                name="which way is better",
            )
            or Direction.UP.value,
            "baseline_value": read("Baseline value", V.amount, name="the baseline value"),
            "baseline_date": read("Baseline date", V.date, name="the baseline date"),
            "source": read("Source", V.text, max_length=300, name="the source"),
            "frequency": read(
                "How often", V.choice, choices=Frequency, required=False, name="how often"
            )
            or Frequency.QUARTERLY.value,
            "owner": read("Measured by key", V.slug, name="the measured by key"),
        }
        if not sheet.flush(number, problems) or not sheet.once(number, key):
            continue
        if key[0] not in strategies:
            sheet.error(number, "Strategy key", _missing("strategy", key[0], F.STRATEGIES))
        elif wanted["owner"] not in partners:
            sheet.error(number, "Measured by key", _missing("partner", wanted["owner"], F.PARTNERS))
        elif (wanted["baseline_value"] is None) != (wanted["baseline_date"] is None):
            column = "Baseline date" if wanted["baseline_date"] is None else "Baseline value"
            sheet.error(number, column, "Give the baseline's value and its date, or neither")
        else:
            if key not in indicators:
                new_indicators.add(key)
            sheet.compare(number, key, wanted, indicators.get(key))
            indicators.setdefault(key, wanted)

    targets = {
        (t["indicator__strategy__slug"], t["indicator__name"], V.iso(t["date"])): {
            "value": V.plain(t["value"])
        }
        for t in IndicatorTarget.objects.values(
            "indicator__strategy__slug", "indicator__name", "date", "value"
        )
    }
    targeted = defaultdict(int)
    sheet = _Sheet(result, data, F.TARGETS)
    for number, read, problems in sheet.each():
        key = (
            read("Strategy key", V.slug, name="the strategy key"),
            read(
                "Indicator",
                V.text,
                required=True,
                max_length=200,
                name="the indicator's name",
                key=True,
            ),
            read("Target date", V.date, required=True, name="the target date"),
        )
        wanted = {"value": read("Target value", V.amount, required=True, name="the target value")}
        if not sheet.flush(number, problems) or not sheet.once(number, key):
            continue
        if key[:2] not in indicators:
            sheet.error(number, "Indicator", _missing("indicator", key[1], F.INDICATORS))
            continue
        targeted[key[:2]] += 1
        sheet.compare(number, key, wanted, targets.get(key))
    for key in sorted(new_indicators):
        if not targeted[key]:
            result.errors.append(
                RowError(
                    F.TARGETS,
                    None,
                    "Indicator",
                    f"The new indicator ‘{key[1]}’ needs at least one target in this sheet",
                )
            )
    return result


def _action_key(read, column: str) -> tuple:
    return (
        read("Strategy key", V.slug, name="the strategy key"),
        read("Theme number", V.whole, name="the theme number"),
        read(column, V.text, required=True, max_length=20, name="the action reference", key=True),
    )


def _missing(noun: str, key, sheet: str) -> str:
    return (
        f"There is no {noun} ‘{key}’ in the tracker or in the ‘{sheet}’ sheet: check the key "
        f"or add the {noun}"
    )


def _missing_action(key) -> str:
    return (
        f"There is no strategy action {key[2]} under theme {key[1]} of {key[0]}, in the tracker "
        f"or in the ‘{F.STRATEGY_ACTIONS}’ sheet"
    )


def _unique_positions(result: Comparison, sheet: str, records: dict, parent: str, parent_of):
    """Two records of one parent at one position, once the file is applied: an error on the
    row of the file that puts one there."""
    rows = {tuple(op.key): op.row for op in result.operations if op.sheet == sheet}
    taken: dict[tuple, tuple] = {}
    for key, record in records.items():
        place = (*parent_of(key), record.get("position"))
        other = taken.setdefault(place, key)
        if other != key:
            row = rows.get(key) or rows.get(other)
            result.errors.append(
                RowError(
                    sheet,
                    row,
                    "Position",
                    f"{key[-1]} and {other[-1]} would both be at position {place[-1]} of their "
                    f"{parent}: give each its own position",
                )
            )
