"""Management commands that `make run` relies on."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from actions.models import StrategyAction
from strategy.models import SourceDocument
from themes.models import Theme

pytestmark = pytest.mark.django_db


def test_load_cabinet_report_loads_once_and_keeps_later_changes(capsys):
    call_command("load_cabinet_report")
    assert SourceDocument.objects.filter(slug="cabinet-2013-03-14-third-sector-strategy").exists()
    theme = Theme.objects.get(strategy__slug="third-sector-strategy-2013", number=1)
    theme.description = "Edited by an officer"
    theme.save()

    call_command("load_cabinet_report")

    theme.refresh_from_db()
    assert theme.description == "Edited by an officer"
    assert "already loaded" in capsys.readouterr().out


def test_seeded_actions_start_with_a_history_entry():
    call_command("load_cabinet_report")
    action = StrategyAction.objects.get(reference="T1.1")
    first = action.history.get()
    assert first.history_type == "+"
    assert first.status == "not_started"


def test_demo_accounts_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("create_demo_accounts")
    assert not User.objects.filter(username="admin").exists()


def test_demo_password_comes_from_the_environment(report, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    call_command("create_demo_accounts")
    assert User.objects.get(username="admin").check_password("another-demo-password")
