"""indicators 0002 stores the trajectory verdict of indicators recorded before it: an
indicator behind its trajectory is found by the dashboard's filter from the first request."""

import datetime
from decimal import Decimal

import pytest

pytestmark = pytest.mark.migration_test
D = datetime.date


@pytest.mark.django_db(transaction=True)
def test_existing_indicators_get_their_verdict(migrator):
    old = migrator.apply_initial_migration([("indicators", "0001_initial")])
    get = old.apps.get_model
    user = get("accounts", "User").objects.create(username="migrated-user")
    strategy = get("strategy", "Strategy").objects.create(slug="s", title="A strategy")
    partner = get("accounts", "Partner").objects.create(slug="p", name="A partner", kind="forum")
    Indicator = get("indicators", "Indicator")

    def indicator(name, value=None):
        made = Indicator.objects.create(
            strategy=strategy,
            name=name,
            definition="Counted",
            unit="people",
            direction="up",
            baseline_value=Decimal("100"),
            baseline_date=D(2026, 4, 1),
            owner=partner,
            created_by=user,
        )
        get("indicators", "IndicatorTarget").objects.create(
            indicator=made, value=Decimal("200"), date=D(2027, 4, 1)
        )
        if value is not None:
            get("indicators", "IndicatorValue").objects.create(
                indicator=made,
                value=Decimal(value),
                measured_on=D(2026, 10, 1),
                author=user,
                review_state="approved",
            )
        return made.pk

    behind, on_track, none_yet = (
        indicator("Behind", "110"),
        indicator("On", "150"),
        indicator("None"),
    )
    new = migrator.apply_tested_migration([("indicators", "0002_indicator_trajectory")])
    verdicts = dict(
        new.apps.get_model("indicators", "Indicator").objects.values_list("pk", "trajectory")
    )
    assert verdicts == {behind: "behind", on_track: "on_trajectory", none_yet: "no_values"}
