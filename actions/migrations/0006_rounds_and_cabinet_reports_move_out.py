"""Rounds and reminder logs now belong to monitoring, Cabinet reports to reports.

No table or row moves: the models keep their tables (db_table), and the content
types move with them, so admin history and permissions still point at them.
"""

import django.db.models.deletion
from django.db import migrations, models


# (old app, old model) -> (new app, new model)
MOVES = {
    ("actions", "monitoringround"): ("monitoring", "monitoringround"),
    ("actions", "historicalmonitoringround"): ("monitoring", "historicalmonitoringround"),
    ("actions", "reminderlog"): ("monitoring", "reminderlog"),
    ("actions", "reportsnapshot"): ("reports", "cabinetreport"),
}


def _move(apps, moves):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for (old_app, old_model), (new_app, new_model) in moves.items():
        if not content_types.filter(app_label=new_app, model=new_model).exists():
            content_types.filter(app_label=old_app, model=old_model).update(
                app_label=new_app, model=new_model
            )


def move_content_types(apps, schema_editor):
    _move(apps, MOVES)


def move_content_types_back(apps, schema_editor):
    _move(apps, {new: old for old, new in MOVES.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('actions', '0005_strategy_action_everywhere'),
        ('monitoring', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of the models moves.
            state_operations=[
                migrations.RemoveField(
                    model_name='monitoringround',
                    name='closed_by',
                ),
                migrations.RemoveField(
                    model_name='monitoringround',
                    name='opened_by',
                ),
                migrations.AlterField(
                    model_name='historicalprogressupdate',
                    name='round',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='The monitoring round that was open when the update was posted.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='monitoring.monitoringround'),
                ),
                migrations.AlterField(
                    model_name='progressupdate',
                    name='round',
                    field=models.ForeignKey(blank=True, help_text='The monitoring round that was open when the update was posted.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='updates', to='monitoring.monitoringround'),
                ),
                migrations.RemoveField(
                    model_name='reminderlog',
                    name='round',
                ),
                migrations.RemoveField(
                    model_name='reminderlog',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='reportsnapshot',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='HistoricalMonitoringRound',
                ),
                migrations.DeleteModel(
                    name='MonitoringRound',
                ),
                migrations.DeleteModel(
                    name='ReminderLog',
                ),
                migrations.DeleteModel(
                    name='ReportSnapshot',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
