"""Risks on the dashboard and in the Cabinet report (issue 15).

Among the exceptions: the live risks of the current strategies scoring high, and those past
their review date; in the report's "Risks" section, how many there are in each rating, not
yet assessed, and due for review in the open round. A fixed number of queries however many
risks there are (capped lists and one aggregate); `today` comes from the caller, since a risk
passes its review date with the calendar, not with a change (the dashboard's cached body is
keyed by the day as well as the plan's generation).
"""

from __future__ import annotations

import datetime

from monitoring.models import MonitoringRound
from risks import selectors
from risks.models import Risk

from .figures import _capped


def current_risks():
    return Risk.objects.in_current_plans()


def context(today: datetime.date, round_: MonitoringRound | None) -> dict:
    """`risks_high`, `risks_past_review` (capped lists) and `risk_counts`."""
    risks = current_risks().select_related("strategy_action", "council_action", "owner")
    high = risks.high().order_by("-score", "review_date", "pk")
    past = risks.past_review_date(today).order_by("review_date", "pk")
    return {
        "risks_high": _capped(high),
        "risks_past_review": _capped(past),
        "risk_counts": selectors.counts(current_risks(), today, round_),
    }
