"""Reports generated before `compared_with` existed compare with the report before them."""

from django.db import migrations


def backfill(apps, schema_editor):
    CabinetReport = apps.get_model("reports", "CabinetReport")
    previous = None
    for report in CabinetReport.objects.order_by("created_at", "pk"):
        if report.compared_with_id is None and previous is not None:
            report.compared_with = previous
            report.save(update_fields=["compared_with"])
        previous = report


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_report_compared_with")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
