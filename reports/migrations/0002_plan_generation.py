"""The dashboard cache's freshness counter moves from the cache into the database."""

from django.db import migrations, models


def create_the_row(apps, schema_editor):
    apps.get_model("reports", "PlanGeneration").objects.get_or_create(pk=1, defaults={"value": 1})


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlanGeneration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
