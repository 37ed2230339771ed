"""Helpers shared by the test modules: post progress, open rounds, sign in, read downloads.

Progress goes through the factories in tests.factories, which go through the
services, so no test sets an action's last update or last input by hand.
"""

from __future__ import annotations

import csv
import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from actions.status import Status
from monitoring import services as round_services
from tests.factories import TEST_PASSWORD, CouncilInputFactory, ProgressUpdateFactory

# --- Progress, input and rounds, through the services --------------------------------


def post_update(
    action, author, status=Status.ON_TRACK, percent=50, narrative="Half done.", **extra
):
    """Post a progress update on `action` as `author`, at the action's current version.

    The service leaves `action` as it now stands. `extra` takes the service's other
    arguments (next_steps, revised_target_date, ...).
    """
    return ProgressUpdateFactory(
        strategy_action=action,
        author=author,
        status=status,
        percent_complete=percent,
        narrative=narrative,
        **extra,
    )


def record_input(
    council_action, author, status=Status.ON_TRACK, percent=50, commentary="Fine.", **extra
):
    """Record council input on `council_action` as `author`, at its current version."""
    return CouncilInputFactory(
        council_action=council_action,
        author=author,
        status=status,
        percent_complete=percent,
        commentary=commentary,
        **extra,
    )


def open_a_round(
    user,
    name="Quarter 1",
    period_start=datetime.date(2026, 4, 1),
    period_end=datetime.date(2026, 6, 30),
    due_date=datetime.date(2099, 7, 15),
):
    """Open a monitoring round as `user` (by default covering April to June 2026)."""
    return round_services.open_round(
        opened_by=user,
        name=name,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
    )


# --- Form data ----------------------------------------------------------------------


def date_fields(name: str, date: datetime.date | None) -> dict[str, str]:
    """The three boxes (day, month, year) of a GOV.UK date input, filled in or empty."""
    parts = (date.day, date.month, date.year) if date else ("", "", "")
    return {f"{name}_{i}": str(part) for i, part in enumerate(parts)}


def update_form(action, **overrides) -> dict:
    """Valid POST data for the progress update form of `action`."""
    data = {
        "version": action.version,
        "status": Status.ON_TRACK,
        "percent_complete": "40",
        "narrative": "We met the statutory partners in June.",
        "next_steps": "Agree the review in September.",
        "evidence_url": "https://example.org/minutes",
        **date_fields("revised_target_date", None),
        "revision_reason": "",
    }
    data.update(overrides)
    return data


def input_form(council_action, **overrides) -> dict:
    """Valid POST data for the council input form of `council_action`."""
    data = {
        "version": council_action.version,
        "status": Status.AT_RISK,
        "percent_complete": "20",
        "commentary": "The procurement review has started.",
        "resources": "Within existing resources",
        "evidence_url": "",
        **date_fields("revised_target_date", None),
        "revision_reason": "",
    }
    data.update(overrides)
    return data


def round_form(**overrides) -> dict:
    """Valid POST data for the open-a-round form: Q1 2026, due mid-July."""
    data = {
        "name": "Quarter 1 2026 to 2027",
        **date_fields("period_start", datetime.date(2026, 4, 1)),
        **date_fields("period_end", datetime.date(2026, 6, 30)),
        **date_fields("due_date", datetime.date(2026, 7, 15)),
    }
    data.update(overrides)
    return data


# --- Clients ------------------------------------------------------------------------

LOGIN = "/accounts/login/"


def sign_in(client, login, password=TEST_PASSWORD, address="10.0.0.1"):
    """Sign in through the sign-in form (not force_login), from `address`."""
    return client.post(LOGIN, {"username": login, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client) -> bool:
    """Whether `client` may read the plan (every signed-in person with a role may)."""
    return client.get(reverse("plan")).status_code == 200


def signed_in(client, user):
    """`client`, signed in as `user` (left anonymous when `user` is None)."""
    if user is not None:
        client.force_login(user)
    return client


def queries_for(client, url, data=None) -> list[dict]:
    """GET `url` (reading a streamed body to the end) and return the queries it ran.

    The page must answer 200: a count of the queries of an error page means nothing.
    """
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
        assert response.status_code == 200, url
        if response.streaming:
            content(response)
    return queries.captured_queries


# --- Reading responses ----------------------------------------------------------------


def content(response) -> bytes:
    """The body of a response, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download (which starts with a byte order mark for Excel)."""
    return list(csv.reader(io.StringIO(content(response).decode("utf-8-sig"))))


def pdf_text(response) -> str:
    """The text of every page of a PDF response, page after page."""
    reader = PdfReader(io.BytesIO(content(response)))
    return "\n".join(page.extract_text() for page in reader.pages)


def between(page: str, start: str, end: str) -> str:
    """The part of `page` from the first `start` up to the next `end` after it."""
    begin = page.index(start)
    stop = page.find(end, begin + len(start))
    return page[begin : stop if stop != -1 else len(page)]


# --- Indicators (issue 13) ---


def indicator_form(strategy, owner, **overrides) -> dict:
    """Valid POST data for the indicator form: up is better, a baseline of 100 on 1 April 2026
    and one target of 200 by 1 April 2027 (other target rows empty)."""
    data = {
        "strategy": strategy.pk,
        "name": "Volunteers placed",
        "definition": "People placed in volunteering roles by the volunteer centre.",
        "unit": "people",
        "direction": "up",
        "baseline_value": "100",
        **date_fields("baseline_date", datetime.date(2026, 4, 1)),
        "source": "Volunteer centre records",
        "frequency": "quarterly",
        "owner": owner.pk,
        "strategy_action_refs": "",
        "council_action_refs": "",
        "target_1_value": "200",
        **date_fields("target_1_date", datetime.date(2027, 4, 1)),
    }
    for n in range(2, 6):
        data.update({f"target_{n}_value": "", **date_fields(f"target_{n}_date", None)})
    data.update(overrides)
    return data


def value_form(**overrides) -> dict:
    """Valid POST data for recording an indicator value: 130 measured on 30 June 2026."""
    data = {
        "value": "130",
        **date_fields("measured_on", datetime.date(2026, 6, 30)),
        "note": "",
        "source": "",
    }
    data.update(overrides)
    return data


# --- The risk register (issue 15) ---


def risk_form(**overrides) -> dict:
    """Valid POST data for the risk form: a risk to the strategy as a whole, likelihood 4 and
    impact 4 (16, high), two mitigations, open, no owner or review date."""
    data = {
        "version": "",
        "applies_to": "",
        "description": "Volunteers leave faster than they join",
        "likelihood": "4",
        "impact": "4",
        "mitigation_1": "A volunteer thank-you scheme",
        "mitigation_2": "Recruitment at the college fair",
        "mitigation_3": "",
        "owner": "",
        **date_fields("review_date", None),
        "status": "open",
    }
    data.update(overrides)
    return data


def risk_review_form(risk, **overrides) -> dict:
    """Valid POST data for a risk's review: likelihood 2, impact 3, open, a note, next review
    in 90 days."""
    data = {
        "version": risk.version,
        "likelihood": "2",
        "impact": "3",
        "status": "open",
        "note": "Mitigations are working.",
        **date_fields("next_review_date", datetime.date.today() + datetime.timedelta(days=90)),
    }
    data.update(overrides)
    return data
