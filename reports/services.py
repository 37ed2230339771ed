"""Writes of the reports app: generating a Cabinet report keeps its figures."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import figures
from .models import CabinetReport


@transaction.atomic
def generate_cabinet_report(*, generated_by: User) -> CabinetReport:
    """Keep what the Cabinet report shows now, so the next report can show what changed.

    The report's own changes are measured against the report before it.
    """
    today = timezone.localdate()
    return CabinetReport.objects.create(
        created_by=generated_by,
        title=f"Cabinet progress report, {today:%-d %B %Y}",
        data=figures.snapshot_data(),
        compared_with=CabinetReport.objects.order_by("-created_at", "-pk").first(),
    )
