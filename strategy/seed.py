"""The seed of the Cabinet report of 14 March 2013: which fixture files hold it.

The report's records are split over several fixture files in ``fixtures/`` named
``cabinet_report_2013*.json``: the plan itself (``cabinet_report_2013.json``) first, then
one file per later part of the seed (the decision's passages, equality, risk, ...). They
load in name order, so the plan is always there before the records that refer to it.
"""

from django.conf import settings
from django.core.management import call_command

REPORT_SLUG = "cabinet-2013-03-14-third-sector-strategy"
FIXTURE_PREFIX = "cabinet_report_2013"


def fixture_files():
    """The seed's fixture files, the plan first."""
    return sorted((settings.BASE_DIR / "fixtures").glob(f"{FIXTURE_PREFIX}*.json"))


def fixture_names():
    return [path.stem for path in fixture_files()]


def load_report(verbosity=0):
    """Load every part of the report's seed (what ``manage.py loaddata`` of each does)."""
    call_command("loaddata", *fixture_names(), verbosity=verbosity)
