# Search documents for the plan's search (actions/search.py): a GIN index on PostgreSQL, and a
# document for every strategy action already here.

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Kept here, not imported from actions/search.py, so this migration stays as it was written.
POSTGRES_FILL = """
INSERT INTO actions_searchdocument (strategy_action_id, text, vector)
SELECT a.id, '',
       setweight(to_tsvector('english', concat_ws(' ', a.reference, a.text, sp.words)), 'A')
       || setweight(to_tsvector('english', coalesce(u.words, '')), 'B')
FROM actions_strategyaction a
LEFT JOIN LATERAL (
    SELECT string_agg(s.text, ' ') AS words FROM actions_subpoint s
    WHERE s.strategy_action_id = a.id
) sp ON true
LEFT JOIN LATERAL (
    SELECT string_agg(concat_ws(' ', p.narrative, p.next_steps), ' ') AS words
    FROM actions_progressupdate p WHERE p.strategy_action_id = a.id
) u ON true
"""


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX searchdocument_vector_gin ON actions_searchdocument USING gin (vector)"
        )
        schema_editor.execute(POSTGRES_FILL)
        return
    StrategyAction = apps.get_model("actions", "StrategyAction")
    SearchDocument = apps.get_model("actions", "SearchDocument")
    documents = []
    for action in StrategyAction.objects.prefetch_related("sub_points", "updates"):
        words = [action.reference, action.text]
        words += [point.text for point in action.sub_points.all()]
        for update in action.updates.all():
            words += [update.narrative, update.next_steps]
        documents.append(SearchDocument(strategy_action=action, text=" ".join(filter(None, words))))
    SearchDocument.objects.bulk_create(documents, batch_size=500)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS searchdocument_vector_gin")


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0007_faithful_to_the_report'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('strategy_action', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='actions.strategyaction')),
                ('text', models.TextField(blank=True, editable=False)),
                ('vector', django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True)),
            ],
        ),
        migrations.RunPython(index_and_fill, drop_index),
    ]
