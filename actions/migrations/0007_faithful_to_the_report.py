"""Faithful to the 2013 report, in databases loaded before the fixture was corrected.

- Its recommendations are cited as it numbers them: section 1, recommendation (1) and (2).
  They were cited as "paragraph 1", which the report does not have.
- The links from every strategy action to all three corporate priorities, citing 2.9.1, go:
  the report ties the priorities to the strategy as a whole (which keeps them), not to
  single actions. Links people added themselves (with no source) stay.
"""

from django.db import migrations

SOURCE = "cabinet-2013-03-14-third-sector-strategy"


def cite(apps, schema_editor):
    Recommendation = apps.get_model("strategy", "Recommendation")
    CouncilAction = apps.get_model("actions", "CouncilAction")
    for recommendation in Recommendation.objects.filter(source__slug=SOURCE, paragraph="1"):
        recommendation.paragraph = f"section 1, recommendation ({recommendation.number})"
        recommendation.save(update_fields=["paragraph"])
    CouncilAction.objects.filter(source__slug=SOURCE, decision_paragraph="1").update(
        decision_paragraph="section 1, recommendation (2)"
    )
    apps.get_model("actions", "ActionPriority").objects.filter(
        source__slug=SOURCE, paragraph="2.9.1"
    ).delete()


def cite_back(apps, schema_editor):
    Recommendation = apps.get_model("strategy", "Recommendation")
    CouncilAction = apps.get_model("actions", "CouncilAction")
    Recommendation.objects.filter(
        source__slug=SOURCE, paragraph__startswith="section 1, recommendation"
    ).update(paragraph="1")
    CouncilAction.objects.filter(
        source__slug=SOURCE, decision_paragraph="section 1, recommendation (2)"
    ).update(decision_paragraph="1")
    # The removed priority links are not put back: load the old fixture for them.


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_rounds_and_cabinet_reports_move_out"),
        ("strategy", "0001_initial"),
    ]

    operations = [migrations.RunPython(cite, cite_back)]
