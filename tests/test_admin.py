"""The Django admin shows the whole action plan to an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.roles import Role
from actions.models import StrategyAction
from monitoring.models import ReminderLog
from tests.factories import StrategyActionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_report(report, admin_client):
    return admin_client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_every_model_has_a_changelist_listing_its_records(model, admin_client_with_report):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client_with_report.get(url)
    assert response.status_code == 200
    count = model.objects.count()
    name = opts.verbose_name if count == 1 else opts.verbose_name_plural
    assert f"{count} {name}" in response.content.decode()


# The reminders log is written only by the reminders command.
WRITTEN_BY_THE_SYSTEM = {ReminderLog}
PRODUCT_MODELS = [
    m
    for m in admin.site._registry
    if m._meta.app_label in {"accounts", "strategy", "themes", "actions", "auth"}
    and m not in WRITTEN_BY_THE_SYSTEM
]


def test_reminder_log_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:monitoring_reminderlog_add")).status_code == 403


@pytest.mark.parametrize("model", PRODUCT_MODELS, ids=lambda m: m._meta.label_lower)
def test_every_model_can_be_added_in_the_admin(model, admin_client_with_report):
    opts = model._meta
    response = admin_client_with_report.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    )
    assert response.status_code == 200
    assert f"Add {opts.verbose_name}" in response.content.decode()


def test_strategy_action_page_has_inlines_for_sub_points_partners_and_council_actions(
    admin_client_with_report,
):
    action = StrategyAction.objects.get(reference="T2.1")
    response = admin_client_with_report.get(
        reverse("admin:actions_strategyaction_change", args=[action.pk])
    )
    page = response.content.decode()
    assert "A means of identifying and responding to service gaps and emerging need" in page
    assert "Third Sector Forum" in page  # responsible partner inline
    assert "Service Level Agreement (SLA) requirements are reviewed" in page  # council action
    assert "Let&#x27;s Talk campaign" in page  # existing activity


def test_changelist_search_finds_an_action_by_its_words(admin_client_with_report):
    response = admin_client_with_report.get(
        reverse("admin:actions_strategyaction_changelist"), {"q": "media campaign"}
    )
    page = response.content.decode()
    assert "1 strategy action" in page
    assert "T1.1" in page


def test_people_who_are_not_administrators_are_refused_the_admin(user_client):
    response = user_client.get(reverse("admin:actions_strategyaction_changelist"))
    assert response.status_code == 403
    # ...also through the admin's own login page, without a redirect loop.
    assert user_client.get(reverse("admin:login")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_products_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "next=/admin/" in response.redirect_chain[-1][0]


def test_administrator_role_opens_the_admin_without_django_staff_flags(client):
    person = UserFactory(role=Role.ADMINISTRATOR, is_staff=False, is_superuser=False)
    client.force_login(person)
    action = StrategyActionFactory(reference="X9.9")
    response = client.get(reverse("admin:actions_strategyaction_changelist"))
    assert response.status_code == 200
    assert "Select strategy action to change" in response.content.decode()
    assert f">{action.reference}<" in response.content.decode()


@pytest.mark.parametrize("object_id", ["abc", "1e9", "1.0", "9" * 30, "-1"])
@pytest.mark.parametrize("page", ["history", "change", "delete"])
def test_admin_pages_of_a_record_that_cannot_exist_are_not_found(client, object_id, page):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    for model in ("actions/strategyaction", "monitoring/monitoringround", "accounts/partner"):
        response = client.get(f"/admin/{model}/{object_id}/{page}/")
        # Django's own views send an unknown id back to the index; never a 500.
        assert response.status_code in (302, 404), (model, response.status_code)
    # simple-history's history page (a 500 before) says so plainly.
    if page == "history":
        response = client.get(f"/admin/actions/strategyaction/{object_id}/history/")
        assert response.status_code == 404
