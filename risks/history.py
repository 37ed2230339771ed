"""A risk's history as its page shows it: who changed what, from what to what, and when,
including its mitigations (two queries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .models import Risk, RiskMitigation

HIDDEN = ["version", "score"]
SHOWN_FIRST = {"likelihood", "impact", "status", "owner", "review_date"}
KINDS = {"+": "Added", "~": "Changed", "-": "Removed"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    when: datetime.datetime
    who: object
    what: str
    fields: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def _shown(record, name: str) -> str:
    value = getattr(record, name)
    if value is None or value == "":
        return "None"
    model_field = Risk._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def _value(record, name: str) -> str:
    if name in {"owner", "strategy_action", "council_action", "strategy", "source"}:
        related = getattr(record, name)
        if related is None:
            return "None"
        return getattr(related, "reference", None) or getattr(related, "name", None) or str(related)
    return _shown(record, name)


def changes(risk: Risk) -> list[Change]:
    """Newest first: the risk's own changes and its mitigations' (added, changed, removed)."""
    found: list[Change] = []
    records = list(
        risk.history.select_related("history_user").order_by("history_date", "history_id")
    )
    previous = None
    for record in records:
        kind = KINDS.get(record.history_type, "Changed")
        if previous is None and kind == "Changed":
            # The seeded risk has no record of its loading: show what this change left.
            fields = [
                FieldChange(str(f.verbose_name).capitalize(), "", _value(record, f.name))
                for f in Risk._meta.fields
                if f.name in SHOWN_FIRST and getattr(record, f.attname) not in (None, "")
            ]
            found.append(
                Change(
                    record.history_date,
                    record.history_user,
                    "Risk changed (its earlier history was not recorded)",
                    fields,
                    record.history_change_reason or "",
                )
            )
        elif previous is None:
            found.append(Change(record.history_date, record.history_user, f"Risk {kind.lower()}"))
        else:
            delta = record.diff_against(previous, excluded_fields=HIDDEN)
            fields = [
                FieldChange(
                    str(Risk._meta.get_field(c.field).verbose_name).capitalize(),
                    _value(previous, c.field),
                    _value(record, c.field),
                )
                for c in delta.changes
            ]
            if fields:
                found.append(
                    Change(
                        record.history_date,
                        record.history_user,
                        "Risk changed",
                        fields,
                        record.history_change_reason or "",
                    )
                )
        previous = record
    mitigations = RiskMitigation.history.filter(risk_id=risk.pk).select_related("history_user")
    for record in mitigations.order_by("history_date", "history_id"):
        kind = KINDS.get(record.history_type, "Changed")
        found.append(
            Change(
                record.history_date,
                record.history_user,
                f"Mitigation {record.position} {kind.lower()}",
                [FieldChange("Mitigation", "", record.text)] if kind != "Removed" else [],
            )
        )
    found.sort(key=lambda change: change.when, reverse=True)
    return found
