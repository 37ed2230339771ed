"""Writes of the reports app: generating a Cabinet report keeps its figures."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import figures
from .models import CabinetReport, PlanGeneration


@transaction.atomic
def generate_cabinet_report(*, generated_by: User) -> CabinetReport:
    """Keep what the Cabinet report shows now, so the next report can show what changed.

    The report's own changes are measured against the report before it.
    """
    # One report at a time: two generated together would both compare with the same one.
    list(PlanGeneration.objects.select_for_update().filter(pk=PlanGeneration.ROW).values("pk"))
    today = timezone.localdate()
    return CabinetReport.objects.create(
        created_by=generated_by,
        title=f"Cabinet progress report, {today:%-d %B %Y}",
        data=figures.snapshot_data(),
        compared_with=CabinetReport.objects.first(),  # newest first (Meta.ordering)
    )
