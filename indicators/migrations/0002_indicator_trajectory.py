from django.db import migrations, models


def work_out_verdicts(apps, schema_editor):
    """Store the trajectory verdict of the indicators already recorded (indicators/standing.py
    keeps it from now on). The arithmetic is the pure function the app uses."""
    from indicators.trajectory import assess

    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    IndicatorTarget = apps.get_model("indicators", "IndicatorTarget")
    for indicator in Indicator.objects.all().iterator():
        values = list(
            IndicatorValue.objects.filter(indicator=indicator, review_state="approved")
            .order_by("measured_on", "pk")
            .values_list("value", "measured_on")
        )
        targets = list(
            IndicatorTarget.objects.filter(indicator=indicator)
            .order_by("date")
            .values_list("value", "date")
        )
        has_baseline = indicator.baseline_value is not None and indicator.baseline_date is not None
        verdict = assess(
            baseline=(indicator.baseline_value, indicator.baseline_date) if has_baseline else None,
            targets=targets,
            direction=indicator.direction,
            latest=values[-1] if values else None,
            first=values[0] if values else None,
        )
        Indicator.objects.filter(pk=indicator.pk).update(trajectory=verdict.status.value)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="trajectory",
            field=models.CharField(
                choices=[
                    ("on_trajectory", "On trajectory"),
                    ("ahead", "Ahead"),
                    ("behind", "Behind"),
                    ("reached", "Target reached"),
                    ("no_target", "No target"),
                    ("no_values", "No values yet"),
                ],
                default="no_values",
                editable=False,
                help_text="Where the latest approved value stands against the trajectory.",
                max_length=14,
            ),
        ),
        migrations.AddIndex(
            model_name="indicator",
            index=models.Index(fields=["trajectory"], name="indicator_trajectory"),
        ),
        migrations.RunPython(work_out_verdicts, migrations.RunPython.noop, elidable=True),
    ]
