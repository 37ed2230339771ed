"""Monitoring rounds and reminder logs, moved here from actions with their tables and rows."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("actions", "0005_strategy_action_everywhere"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of the models moves.
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalMonitoringRound',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('name', models.CharField(db_index=True, max_length=100)),
                        ('state', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=6)),
                        ('period_start', models.DateField(verbose_name='period covered from')),
                        ('period_end', models.DateField(verbose_name='period covered to')),
                        ('due_date', models.DateField(verbose_name='updates due by')),
                        ('opened_at', models.DateTimeField(blank=True, editable=False)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('closed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('opened_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical monitoring round',
                        'verbose_name_plural': 'historical monitoring rounds',
                        'db_table': 'actions_historicalmonitoringround',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='MonitoringRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True)),
                        ('state', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=6)),
                        ('period_start', models.DateField(verbose_name='period covered from')),
                        ('period_end', models.DateField(verbose_name='period covered to')),
                        ('due_date', models.DateField(verbose_name='updates due by')),
                        ('opened_at', models.DateTimeField(auto_now_add=True)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'actions_monitoringround',
                        'ordering': ['-opened_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sent_on', models.DateField()),
                        ('sent_at', models.DateTimeField(auto_now_add=True)),
                        ('action_count', models.PositiveIntegerField()),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to=settings.AUTH_USER_MODEL)),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='monitoring.monitoringround')),
                    ],
                    options={
                        'db_table': 'actions_reminderlog',
                        'ordering': ['-sent_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='monitoringround',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'open')), fields=('state',), name='monitoringround_one_open_round', violation_error_message='Close the open round before opening another.'),
                ),
                migrations.AddConstraint(
                    model_name='monitoringround',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_at__isnull', True), ('state', 'open')), models.Q(('closed_at__isnull', False), ('state', 'closed')), _connector='OR'), name='monitoringround_closed_has_a_date', violation_error_message='A closed round records when it was closed.'),
                ),
                migrations.AddConstraint(
                    model_name='monitoringround',
                    constraint=models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='monitoringround_period_ends_after_it_starts', violation_error_message='The period covered must end on or after it starts.'),
                ),
                migrations.AddConstraint(
                    model_name='reminderlog',
                    constraint=models.UniqueConstraint(fields=('recipient', 'sent_on'), name='reminderlog_one_per_person_per_day', violation_error_message='This person has already been reminded today.'),
                ),
            ],
            database_operations=[],
        ),
    ]
