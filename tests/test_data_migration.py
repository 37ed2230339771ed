"""The reshaping migrations keep every row of a database already in use.

actions 0005 renames `action` to `strategy_action` on the link models; monitoring 0001,
reports 0001 and actions 0006 move rounds, reminder logs and Cabinet reports to their new
apps without touching their tables, and move their content types with them. These tests
fill a database at the state before that change, migrate it, and compare every table.
"""

import datetime

import pytest
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

pytestmark = pytest.mark.migration_test

BEFORE = [("actions", "0004_report_snapshots")]
AFTER = [
    ("actions", "0006_rounds_and_cabinet_reports_move_out"),
    ("monitoring", "0001_initial"),
    ("reports", "0001_initial"),
]
RESHAPED_APPS = {"actions", "monitoring", "reports"}

# (app label, model name) before -> after.
MOVED = {
    ("actions", "monitoringround"): ("monitoring", "monitoringround"),
    ("actions", "historicalmonitoringround"): ("monitoring", "historicalmonitoringround"),
    ("actions", "reminderlog"): ("monitoring", "reminderlog"),
    ("actions", "reportsnapshot"): ("reports", "cabinetreport"),
}
# Models whose link to their strategy action was renamed from `action` to `strategy_action`.
RENAMED_LINK = {
    "subpoint",
    "actionpartner",
    "actionpriority",
    "existingactivity",
    "progressupdate",
    "historicalprogressupdate",
}

NOW = timezone.now().replace(microsecond=0)
REPORT_DATA = {
    "strategy": {
        "1": {
            "reference": "T1.1",
            "status": "on_track",
            "percent_complete": 40,
            "original_target_date": "2014-03-31",
            "target_date": "2014-09-30",
            "narrative": "Forum’s first meeting held — “good turnout”.",
        }
    },
    "council": {"1": {"reference": "T1.1a", "status": "not_started", "narrative": ""}},
    "nested": [1, 2.5, None, True, {"k": ["v"]}],
}


def _everything_else_at_its_latest():
    """Every app the change does not touch, at its latest migration (admin, axes, ...). Apps
    built later on the reshaped ones (discussion, say) are left unmigrated: their first
    migration needs the reshaped apps at their latest."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return [
        node
        for node in graph.leaf_nodes()
        if node[0] not in RESHAPED_APPS
        and not any(app in RESHAPED_APPS for app, _ in graph.forwards_plan(node))
    ]


def _rename(app_label, model_name, attname, *, forwards):
    old, new = ("action_id", "strategy_action_id")
    if not forwards:
        old, new = new, old
    if app_label == "actions" and model_name in RENAMED_LINK and attname == old:
        return new
    return attname


def _moved(app_label, model_name, *, forwards):
    moves = MOVED if forwards else {new: old for old, new in MOVED.items()}
    return moves.get((app_label, model_name), (app_label, model_name))


def _dump(apps):
    """Every row of every table the state knows, as {(app, model): {pk: {attname: value}}}."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.values(*fields)
        key = (model._meta.app_label, model._meta.model_name)
        tables[key] = {row[model._meta.pk.attname]: row for row in rows}
    return tables


def _expected(before, *, forwards):
    """What the dump taken before migrating should look like afterwards."""
    content_type_moves = MOVED if forwards else {new: old for old, new in MOVED.items()}
    expected = {}
    for (app_label, model_name), rows in before.items():
        new_rows = {}
        for pk, row in rows.items():
            new_row = {
                _rename(app_label, model_name, attname, forwards=forwards): value
                for attname, value in row.items()
            }
            if (app_label, model_name) == ("contenttypes", "contenttype"):
                label, model = content_type_moves.get(
                    (row["app_label"], row["model"]), (row["app_label"], row["model"])
                )
                new_row.update(app_label=label, model=model)
            new_rows[pk] = new_row
        expected[_moved(app_label, model_name, forwards=forwards)] = new_rows
    return expected


def _assert_same_tables(before, after, *, forwards):
    expected = _expected(before, forwards=forwards)
    assert set(after) == set(expected)
    for key, rows in expected.items():
        assert after[key] == rows, f"{key} changed"


def _label(ContentType, pk):
    return ContentType.objects.values_list("app_label", "model").get(pk=pk)


def _plan_before_the_change(old):
    """The data the service holds: the Cabinet report's kind of plan and some monitoring."""
    get = old.apps.get_model
    ContentType = get("contenttypes", "ContentType")
    User = get("accounts", "User")
    Partner = get("accounts", "Partner")
    StrategyAction = get("actions", "StrategyAction")
    MonitoringRound = get("actions", "MonitoringRound")
    ProgressUpdate = get("actions", "ProgressUpdate")

    content_types = {
        name: ContentType.objects.get_or_create(app_label="actions", model=name)[0]
        for name in ["monitoringround", "historicalmonitoringround", "reminderlog"]
    }
    content_types["reportsnapshot"] = ContentType.objects.get_or_create(
        app_label="actions", model="reportsnapshot"
    )[0]
    content_types["strategyaction"] = ContentType.objects.get_or_create(
        app_label="actions", model="strategyaction"
    )[0]
    get("auth", "Permission").objects.create(
        name="Can view monitoring round",
        content_type=content_types["monitoringround"],
        codename="view_monitoringround",
    )

    document = get("strategy", "SourceDocument").objects.create(
        slug="cabinet-2013-03-14",
        title="Third Sector Strategy",
        meeting="Cabinet",
        meeting_date=datetime.date(2013, 3, 14),
        key_decision=True,
    )
    strategy = get("strategy", "Strategy").objects.create(
        slug="third-sector-strategy",
        title="Third Sector Strategy",
        plan_years=3,
        starts_on=datetime.date(2013, 4, 1),
        ends_on=datetime.date(2016, 3, 31),
        adoption="adopted",
        adopted_by="Cabinet",
        adopted_on=datetime.date(2013, 3, 14),
        source=document,
    )
    priority = get("strategy", "CorporatePriority").objects.create(
        number=1, title="United and involved communities", source=document
    )
    strategy.corporate_priorities.add(priority)
    theme = get("themes", "Theme").objects.create(
        strategy=strategy, number=1, title="Building capacity", paragraph="2.3", source=document
    )
    forum = Partner.objects.create(slug="forum", name="Third Sector Forum", kind="forum")
    charity = Partner.objects.create(slug="charity", name="A Charity", kind="organisation")
    council = Partner.objects.create(slug="council", name="Harrow Council", kind="council")
    user = User.objects.create(
        username="coordinator",
        full_name="Cora Ordinator",
        email="cora@example.org",
        password="!",
        organisation=forum,
    )

    first = StrategyAction.objects.create(
        theme=theme,
        position=1,
        reference="T1.1",
        text="Set up a forum.",
        status="on_track",
        percent_complete=40,
        original_target_date=datetime.date(2014, 3, 31),
        source=document,
    )
    second = StrategyAction.objects.create(
        theme=theme, position=2, reference="T1.2", text="Share premises."
    )
    for action in (first, second):
        for position in (1, 2):
            get("actions", "SubPoint").objects.create(
                action=action, position=position, text=f"{action.reference} point {position}"
            )
    ActionPartner = get("actions", "ActionPartner")
    ActionPartner.objects.create(action=first, partner=forum, role="lead", paragraph="2.3.1")
    ActionPartner.objects.create(action=first, partner=charity, role="supporting")
    ActionPartner.objects.create(action=second, partner=charity, role="lead")
    get("actions", "ActionPriority").objects.create(action=first, priority=priority)
    get("actions", "ExistingActivity").objects.create(
        action=second, position=1, text="Community lettings."
    )

    council_action = get("actions", "CouncilAction").objects.create(
        strategy_action=first,
        responsible_unit=council,
        position=1,
        reference="T1.1a",
        text="Support the forum.",
        decision="endorsed",
        decided_by_body="Cabinet",
        decided_on=datetime.date(2013, 3, 14),
    )
    council_input = get("actions", "CouncilInput").objects.create(
        council_action=council_action,
        author=user,
        organisation=council,
        status="on_track",
        percent_complete=10,
        commentary="Officer named.",
    )
    council_action.last_input = council_input
    council_action.save()

    round_ = MonitoringRound.objects.create(
        name="Spring 2014",
        period_start=datetime.date(2014, 1, 1),
        period_end=datetime.date(2014, 3, 31),
        due_date=datetime.date(2014, 4, 14),
        opened_by=user,
    )
    get("actions", "HistoricalMonitoringRound").objects.create(
        id=round_.id,
        name=round_.name,
        state="open",
        period_start=round_.period_start,
        period_end=round_.period_end,
        due_date=round_.due_date,
        opened_at=round_.opened_at,
        opened_by_id=user.id,
        history_date=NOW,
        history_type="+",
        history_user=user,
    )
    in_round = ProgressUpdate.objects.create(
        action=first,
        author=user,
        organisation=forum,
        round=round_,
        status="on_track",
        percent_complete=40,
        narrative="Forum’s first meeting held.",
        revised_target_date=datetime.date(2014, 9, 30),
        revision_reason="Venue delayed.",
    )
    outside_round = ProgressUpdate.objects.create(
        action=second,
        author=user,
        status="not_started",
        percent_complete=0,
        narrative="Waiting for a building.",
    )
    get("actions", "HistoricalProgressUpdate").objects.create(
        id=in_round.id,
        action_id=first.id,
        author_id=user.id,
        organisation_id=forum.id,
        round_id=round_.id,
        created_at=in_round.created_at,
        status="on_track",
        percent_complete=40,
        narrative=in_round.narrative,
        history_date=NOW,
        history_type="+",
        history_user=user,
    )
    first.last_update = in_round
    first.revised_target_date = datetime.date(2014, 9, 30)
    first.save()
    second.last_update = outside_round
    second.save()

    get("actions", "ReminderLog").objects.create(
        round=round_, recipient=user, sent_on=datetime.date(2014, 4, 7), action_count=2
    )
    snapshot = get("actions", "ReportSnapshot").objects.create(
        title="Cabinet report, April 2014", data=REPORT_DATA, created_by=user
    )
    get("admin", "LogEntry").objects.create(
        user=user,
        content_type=content_types["reportsnapshot"],
        object_id=str(snapshot.pk),
        object_repr=snapshot.title,
        action_flag=1,
        change_message="[]",
    )
    return {
        "content_types": {name: ct.pk for name, ct in content_types.items()},
        "round": round_.pk,
        "in_round": in_round.pk,
        "snapshot": snapshot.pk,
        "actions": (first.pk, second.pk),
    }


def _old_state(migrator):
    migrator.apply_initial_migration(BEFORE)
    # The rest of the service (admin, axes, sessions) was already at its latest.
    return migrator.apply_tested_migration([*BEFORE, *_everything_else_at_its_latest()])


@pytest.mark.django_db(transaction=True)
def test_reshaping_keeps_every_row(migrator):
    old = _old_state(migrator)
    made = _plan_before_the_change(old)
    get_old = old.apps.get_model
    old_links = {
        name: set(get_old("actions", name).objects.values_list("id", "action_id"))
        for name in RENAMED_LINK
    }
    old_updates = set(
        get_old("actions", "ProgressUpdate").objects.values_list(
            "id", "action_id", "round_id", "narrative"
        )
    )
    before = _dump(old.apps)
    assert all(before[("actions", name)] for name in RENAMED_LINK)
    assert all(before[key] for key in MOVED)

    new = migrator.apply_tested_migration(AFTER)
    get = new.apps.get_model

    # Every table, every row, every value: only the renamed column and the moved
    # content types differ, exactly as expected.
    _assert_same_tables(before, _dump(new.apps), forwards=True)

    # The link models now name their strategy action as strategy_action.
    for name, pairs in old_links.items():
        model = get("actions", name)
        assert set(model.objects.values_list("id", "strategy_action_id")) == pairs
        assert "action" not in {f.name for f in model._meta.get_fields()}
    assert (
        set(
            get("actions", "ProgressUpdate").objects.values_list(
                "id", "strategy_action_id", "round_id", "narrative"
            )
        )
        == old_updates
    )
    first = get("actions", "StrategyAction").objects.get(pk=made["actions"][0])
    assert first.last_update_id == made["in_round"]
    assert first.last_update.strategy_action_id == first.pk
    assert {sp.position for sp in first.sub_points.all()} == {1, 2}
    assert first.council_actions.get().last_input.commentary == "Officer named."

    # Rounds and reminder logs are read through monitoring, Cabinet reports through reports.
    round_ = get("monitoring", "MonitoringRound").objects.get(pk=made["round"])
    assert (round_.name, round_.state) == ("Spring 2014", "open")
    assert [u.pk for u in round_.updates.all()] == [made["in_round"]]
    reminder = get("monitoring", "ReminderLog").objects.get()
    assert (reminder.round_id, reminder.action_count) == (round_.pk, 2)
    assert get("monitoring", "HistoricalMonitoringRound").objects.get().name == "Spring 2014"
    report = get("reports", "CabinetReport").objects.get(pk=made["snapshot"])
    assert report.data == REPORT_DATA
    assert report.title == "Cabinet report, April 2014"

    # The content types moved with their models, keeping their ids.
    ContentType = get("contenttypes", "ContentType")
    ids = made["content_types"]
    assert _label(ContentType, ids["monitoringround"]) == ("monitoring", "monitoringround")
    assert _label(ContentType, ids["historicalmonitoringround"]) == (
        "monitoring",
        "historicalmonitoringround",
    )
    assert _label(ContentType, ids["reminderlog"]) == ("monitoring", "reminderlog")
    assert _label(ContentType, ids["reportsnapshot"]) == ("reports", "cabinetreport")
    assert _label(ContentType, ids["strategyaction"]) == ("actions", "strategyaction")
    assert not ContentType.objects.filter(
        app_label="actions", model__in=["monitoringround", "reminderlog", "reportsnapshot"]
    ).exists()
    log_entry = get("admin", "LogEntry").objects.get()
    assert log_entry.content_type_id == ids["reportsnapshot"]
    permission = get("auth", "Permission").objects.get(codename="view_monitoringround")
    assert permission.content_type_id == ids["monitoringround"]


@pytest.mark.django_db(transaction=True)
def test_reshaping_reverses_without_losing_rows(migrator):
    old = _old_state(migrator)
    made = _plan_before_the_change(old)
    before = _dump(old.apps)

    new = migrator.apply_tested_migration(AFTER)
    after = _dump(new.apps)

    back = migrator.apply_tested_migration(BEFORE)
    _assert_same_tables(after, _dump(back.apps), forwards=False)
    assert _dump(back.apps) == before

    get = back.apps.get_model
    ContentType = get("contenttypes", "ContentType")
    ids = made["content_types"]
    assert _label(ContentType, ids["reportsnapshot"]) == ("actions", "reportsnapshot")
    assert _label(ContentType, ids["monitoringround"]) == ("actions", "monitoringround")
    assert get("actions", "ReportSnapshot").objects.get().data == REPORT_DATA
    progress = get("actions", "ProgressUpdate").objects.get(pk=made["in_round"])
    assert (progress.action_id, progress.round.name) == (made["actions"][0], "Spring 2014")
