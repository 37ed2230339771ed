"""Cell values read as the plan's fields, each problem a sentence for the person.

Every parser takes the JSON value read from the cell (imports/reading.py) and returns the
field's value in a JSON-ready form (dates as ISO text, amounts as plain decimal text), so that
what is compared, kept between preview and confirmation and written is the same value.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class Problem(Exception):
    """A cell that cannot be read as its field: the message says what to write instead."""


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(
    value, *, required: bool = False, max_length: int | None = None, name: str = "", key=False
) -> str:
    """Text as it is in the cell: the plan's words are compared and kept exactly (a space at
    the end is part of them, or a round trip would change them); a key is stripped."""
    if blank(value):
        if required:
            raise Problem(f"Enter {name}")
        return ""
    result = value if isinstance(value, str) else str(value)
    if key:
        result = result.strip()
    if max_length is not None and len(result) > max_length:
        raise Problem(f"{name[0].upper()}{name[1:]} must be {max_length:,} characters or fewer")
    return result


def slug(value, *, name: str) -> str:
    result = text(value, required=True, name=name, max_length=100, key=True)
    if not SLUG.match(result):
        raise Problem(
            f"{name[0].upper()}{name[1:]} must be letters, numbers, hyphens or underscores only"
        )
    return result


def whole(value, *, name: str, required: bool = True, low: int = 1, high: int = 32767):
    if blank(value):
        if required:
            raise Problem(f"Enter {name}")
        return None
    if isinstance(value, bool):
        raise Problem(f"{name[0].upper()}{name[1:]} must be a whole number")
    if isinstance(value, int):
        number = value
    else:
        try:
            figure = Decimal(str(value).strip())
        except InvalidOperation:
            raise Problem(f"{name[0].upper()}{name[1:]} must be a whole number") from None
        if figure != figure.to_integral_value():
            raise Problem(f"{name[0].upper()}{name[1:]} must be a whole number")
        number = int(figure)
    if not low <= number <= high:
        raise Problem(f"{name[0].upper()}{name[1:]} must be between {low} and {high:,}")
    return number


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y")


def date(value, *, name: str, required: bool = False) -> str | None:
    if blank(value):
        if required:
            raise Problem(f"Enter {name}")
        return None
    raw = str(value).strip()
    if "T" in raw:  # a date and time from a workbook: the day is what counts
        raw = raw.split("T", 1)[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, pattern).date().isoformat()
        except ValueError:
            continue
    raise Problem(
        f"{name[0].upper()}{name[1:]} must be a real date, for example 31/03/2027 or 2027-03-31"
    )


def amount(value, *, name: str, required: bool = False) -> str | None:
    if blank(value):
        if required:
            raise Problem(f"Enter {name}")
        return None
    try:
        figure = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Problem(f"{name[0].upper()}{name[1:]} must be a number") from None
    if not figure.is_finite():
        raise Problem(f"{name[0].upper()}{name[1:]} must be a number")
    return plain(figure)


def plain(figure) -> str | None:
    """A decimal as text without trailing zeros or exponent: 12.50 and 12.5 are the same."""
    if figure is None:
        return None
    result = f"{Decimal(figure):f}"
    if "." in result:
        result = result.rstrip("0").rstrip(".")
    return result or "0"


def choice(value, choices, *, name: str, required: bool = True) -> str:
    """A choice by its stored value or its label, in any case ("lead" or "Lead")."""
    if blank(value):
        if required:
            raise Problem(f"Enter {name}")
        return ""
    wanted = str(value).strip().lower()
    for stored, label in choices.choices:
        if wanted in (str(stored).lower(), str(label).lower()):
            return stored
    labels = ", ".join(str(label) for _, label in choices.choices)
    raise Problem(f"{name[0].upper()}{name[1:]} must be one of: {labels}")


def iso(value) -> str | None:
    """A stored date as the ISO text the parsers give."""
    return value.isoformat() if value is not None else None


def parse_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
