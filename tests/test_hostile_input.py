"""Hostile input: every form field and query parameter of every URL, as every persona.

Each request carries values a careless or malicious client could send: huge numbers,
impossible dates, NUL bytes, a 1 MB string, a key sent twice (a list where one
value is expected), empty strings, right-to-left marks and emoji, SQL-ish and
HTML-ish text. Two things must hold for every response:

1. it is not a server error (5xx);
2. a refused or invalid request (any 4xx, or a 200 re-rendering a form with errors)
   leaves every row of the product as it was (`snapshot()`), so nothing is half saved.

The URLs and personas come from the permission matrix (tests/test_permission_matrix.py),
so a new URL is swept as soon as it has a row there. Form field names are read from the
form classes themselves (each widget's sub-widget names, such as `due_date_0`), and
`test_field_names_are_in_the_rendered_forms` checks them against the rendered pages.

Every request runs in a savepoint that is rolled back afterwards, so each starts from the
same test world (a valid value that saves does not change what the next request sees).

The sweeps collect every problem and fail once, listing each distinct one with the
exception and the application frame it came from. A curated list (`HOSTILE`) gives
breadth: every field × every value for a persona who gets past the permission check,
and every value in all fields at once for every persona. Hypothesis adds generated
values for the richest endpoints.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import forms as account_forms
from accounts.models import Partner, User
from actions.filters import CouncilActionFilter, PlanFilter
from actions.forms import (
    AddCouncilActionForm,
    CouncilInputForm,
    DecisionForm,
    MilestoneDoneForm,
    MilestoneForm,
    PercentSourceForm,
    ProgressUpdateForm,
)
from actions.models import CouncilAction, StrategyAction
from discussion.forms import CommentForm, HideCommentForm
from duties.forms import EqualityAssessmentForm, SocialValueForm
from duties.models import EqualityAssessment, SocialValue
from imports.forms import UploadForm
from indicators.forms import (
    SPARE_TARGETS,
    ApproveValuesForm,
    IndicatorForm,
    ValueForm,
    ValueReviewForm,
)
from monitoring.forms import ApproveSelectedForm, OpenRoundForm, ReviewForm
from privacy.forms import EraseForm
from reports.forms import DownloadRequestForm
from reports.models import Download
from risks.forms import ReviewForm as RiskReviewForm
from risks.forms import RiskForm
from tests import helpers
from tests.factories import DownloadFactory
from tests.test_permission_matrix import (
    MATRIX,
    PERSONAS,
    PRODUCT_APPS,
    a_council_risk,
    a_plan_csv,
    a_progress_csv,
    a_risk,
    a_submitted_update,
    a_submitted_value,
    add_data,
    an_indicator,
    decision_data,
    done_data,
    download_data,
    equality_data,
    indicator_data,
    input_data,
    milestone_data,
    risk_data,
    round_data,
    snapshot,
    social_value_data,
    update_data,
)

pytestmark = pytest.mark.django_db

APP_ROOT = Path(__file__).resolve().parent.parent
ONE_MB = "x" * (1024 * 1024)

HOSTILE = [
    "99999999999999999999",  # beyond 64 bits
    "1e308",
    "-1",
    "1.5",
    "",
    "   ",
    "a\x00b",  # a NUL byte
    ONE_MB,
    "\u202eabc\u200f😀👍🏽",  # right-to-left override and mark, emoji
    "١٢",  # digits, but not ASCII ones
    "' OR 1=1 --",
    "%_\\",  # LIKE wildcards and a backslash
    "<script>alert(1)</script>",
    '=HYPERLINK("https://evil.example")',
]
# Sent as a list: the same key twice, where one value is expected.
TWICE = ["1", "2"]
# A hostile value for a single request: a string, or a list (the key repeated).
VALUES = [*HOSTILE, TWICE, ["", "a\x00b"]]
# For every persona at every URL, in every field at once: fewer values.
SHORT = ["99999999999999999999", ["a\x00b", "<script>"], ""]
# Whole dates that cannot be: day, month, year.
IMPOSSIBLE_DATES = [
    ("31", "2", "2026"),
    ("1", "13", "2026"),
    ("0", "1", "2026"),
    ("1", "0", "2026"),
    ("1", "1", "0"),
    ("1", "1", "99999"),
    ("31", "12", "9999"),
    ("-1", "-1", "-001"),
    ("99999999999999999999", "1", "2026"),
    ("1", "99999999999999999999", "2026"),
    ("1", "1", "99999999999999999999"),
    ("1e3", "1", "2026"),
]


# --- Names of fields and parameters, read from the forms ---------------------------------


def input_names(form: forms.BaseForm) -> list[str]:
    """The names a browser posts for `form`: one per widget, one per part of a multi-widget."""
    names = []
    for name, field in form.fields.items():
        html_name = form.add_prefix(name)
        parts = getattr(field.widget, "widgets_names", None)
        names.extend(f"{html_name}{part}" for part in parts) if parts else names.append(html_name)
    return names


def date_parts(form: forms.BaseForm) -> list[list[str]]:
    """The (day, month, year) input names of each multi-part date field of `form`."""
    return [
        [f"{form.add_prefix(name)}{part}" for part in field.widget.widgets_names]
        for name, field in form.fields.items()
        if getattr(field.widget, "widgets_names", None)
    ]


def filter_params(filterset_class, model) -> list[str]:
    # Every filter, whichever of a drop-down and its text box the form shows (the choice
    # depends on the data, which there is none of while tests are collected).
    return [*filterset_class.base_filters, "page"]


# The query parameters each URL reads (all of them are also sent to every other GET URL).
QUERY_PARAMS = {
    "plan": filter_params(PlanFilter, StrategyAction),
    "export_csv": filter_params(PlanFilter, StrategyAction),
    "export_xlsx": filter_params(PlanFilter, StrategyAction),
    "council_actions": filter_params(CouncilActionFilter, CouncilAction),
    "dashboard_changes": ["since"],
    "slippage": ["of", "page"],
    "cabinet_report": ["report"],
    "cabinet_report_pdf": ["report"],
    "login": ["next"],
    "admin:login": ["next"],
    "admin:index": ["next"],
    # The update forms take the closed round's record a correction corrects.
    "action_update": ["corrects"],
    "council_action_input": ["corrects"],
    # The risk register (issue 15): its filter, and the action a new risk is for.
    "risk_register": ["status", "rating", "due", "page"],
    "risk_add": ["action"],
    "privacy_people": ["q", "page"],  # issue 15
}
ALL_PARAMS = sorted({p for params in QUERY_PARAMS.values() for p in params})


def a_user(world) -> User:
    return world.personas["forum_member"]


@dataclass
class FormPage:
    """A URL with a form: the form as the view builds it, valid data, who gets past the check."""

    name: str
    form: Callable  # (world) -> an unbound form
    data: Callable  # (world) -> valid POST data
    persona: str  # someone the view lets through to the form
    extra: tuple = ()  # inputs the view reads besides the form's, such as `next`
    shown_on: Callable | None = None  # (world) -> the URL of a page showing the form, if elsewhere

    def names(self, world) -> list[str]:
        return [*input_names(self.form(world)), *self.extra]


FORM_PAGES = [
    FormPage("action_update", lambda w: ProgressUpdateForm(), update_data, "forum_member"),
    FormPage("council_action_input", lambda w: CouncilInputForm(), input_data, "officer"),
    FormPage("council_action_decision", lambda w: DecisionForm(), decision_data, "officer"),
    FormPage(
        "council_action_add",
        lambda w: AddCouncilActionForm(units=Partner.objects.none()),
        add_data,
        "officer",
    ),
    FormPage("round_open", lambda w: OpenRoundForm(), round_data, "coordinator"),
    # Discussion on an action (issue 13)
    FormPage(
        "action_comment", lambda w: CommentForm(), lambda w: {"body": "A question"}, "forum_other"
    ),
    FormPage(
        "council_action_comment",
        lambda w: CommentForm(),
        lambda w: {"body": "An answer"},
        "officer",
    ),
    FormPage(
        "comment_hide", lambda w: HideCommentForm(), lambda w: {"reason": "Off topic"}, "admin"
    ),
    FormPage(
        "review",
        lambda w: ReviewForm(),
        lambda w: {"decision": "return", "comment": "Add the numbers trained."},
        "coordinator",
    ),
    FormPage(
        "review_approve_selected",
        lambda w: ApproveSelectedForm(),
        lambda w: {"records": [f"update-{a_submitted_update(w).pk}"]},
        "coordinator",
        # The boxes are on the review queue's page.
        shown_on=lambda w: a_submitted_update(w) and reverse("review_queue"),
    ),
    FormPage(
        "new_download",
        lambda w: DownloadRequestForm(),
        download_data,
        "cabinet",
        # Its fields are the hidden ones of the page that offers a download, such as a failed
        # download's "Try again".
        shown_on=lambda w: DownloadFactory(
            requested_by=w.personas["cabinet"], status=Download.Status.FAILED
        ).get_absolute_url(),
    ),
    FormPage(
        "login",
        lambda w: account_forms.LoginForm(),
        lambda w: {"username": a_user(w).username, "password": "not the password"},
        "anonymous",
        extra=("next",),
    ),
    FormPage(
        "password_change",
        lambda w: account_forms.PasswordChangeForm(a_user(w)),
        lambda w: {
            "old_password": "wrong",
            "new_password1": "A long new passphrase 42",
            "new_password2": "A long new passphrase 42",
        },
        "forum_member",
    ),
    FormPage(
        "password_reset",
        lambda w: account_forms.PasswordResetForm(),
        lambda w: {"email": a_user(w).email},
        "anonymous",
    ),
    FormPage(
        "password_reset_confirm",
        lambda w: account_forms.SetPasswordForm(a_user(w)),
        lambda w: {
            "new_password1": "A long new passphrase 42",
            "new_password2": "A long new passphrase 42",
        },
        "anonymous",
    ),
    # Indicators (issue 13)
    FormPage("indicator_add", lambda w: IndicatorForm(), indicator_data, "coordinator"),
    FormPage(
        "indicator_edit",
        lambda w: IndicatorForm(target_rows=an_indicator(w).targets.count() + SPARE_TARGETS),
        lambda w: indicator_data(w, name="Renamed"),
        "coordinator",
    ),
    FormPage(
        "indicator_value_add", lambda w: ValueForm(), lambda w: helpers.value_form(), "forum_member"
    ),
    FormPage(
        "indicator_value_review",
        lambda w: ValueReviewForm(),
        lambda w: {"decision": "return", "comment": "Check the quarter."},
        "coordinator",
    ),
]
# Milestones (issue 13)
FORM_PAGES += [
    FormPage(
        "action_milestone_add",
        lambda w: MilestoneForm(owners=Partner.objects.none()),
        lambda w: milestone_data(w.partner),
        "forum_member",
    ),
    FormPage(
        "council_action_milestone_add",
        lambda w: MilestoneForm(owners=Partner.objects.none()),
        lambda w: milestone_data(w.unit),
        "officer",
    ),
    FormPage(
        "milestone_edit",
        lambda w: MilestoneForm(owners=Partner.objects.none()),
        lambda w: milestone_data(w.partner, "Changed"),
        "forum_member",
    ),
    FormPage("milestone_done", lambda w: MilestoneDoneForm(), done_data, "forum_member"),
    FormPage(
        "action_percent_source",
        lambda w: PercentSourceForm(),
        lambda w: {"version": w.action.version, "source": "milestones"},
        "forum_member",
    ),
    FormPage(
        "council_action_percent_source",
        lambda w: PercentSourceForm(),
        lambda w: {"version": w.council_action.version, "source": "milestones"},
        "officer",
    ),
]
# Spreadsheet import (issue 14): the upload field, given every hostile value as text.
FORM_PAGES += [
    FormPage(
        "import_plan", lambda w: UploadForm(), lambda w: {"file": a_plan_csv(w)}, "coordinator"
    ),
    FormPage(
        "import_progress",
        lambda w: UploadForm(),
        lambda w: {"file": a_progress_csv(w)},
        "coordinator",
    ),
]


# Approving several indicator values (issue 13) and publishing a strategy (issue 14): the
# publish page's one input is its button's `intent`.
class _PublishButton(forms.Form):
    intent = forms.CharField()


FORM_PAGES += [
    FormPage(
        "indicator_values_approve",
        lambda w: ApproveValuesForm(waiting=[]),
        lambda w: {"values": [str(a_submitted_value(w).pk)]},
        "coordinator",
    ),
    FormPage(
        "strategy_publish", lambda w: _PublishButton(), lambda w: {"intent": "publish"}, "admin"
    ),
    # Data protection (issue 15): erasing a person, confirmed by typing a word.
    FormPage("privacy_erase", lambda w: EraseForm(), lambda w: {"confirm": "erase"}, "admin"),
]
# The council's duties (issue 15): equality impact assessments and social value.
FORM_PAGES += [
    FormPage(
        "action_equality",
        lambda w: EqualityAssessmentForm(assessment=EqualityAssessment()),
        equality_data,
        "coordinator",
    ),
    FormPage(
        "council_action_equality",
        lambda w: EqualityAssessmentForm(assessment=EqualityAssessment()),
        equality_data,
        "officer",
    ),
    FormPage(
        "council_action_social_value",
        lambda w: SocialValueForm(record=SocialValue()),
        social_value_data,
        "officer",
    ),
]
# The risk register (issue 15): a risk's form offers its mitigations and two empty rows.
FORM_PAGES += [
    FormPage(
        "risk_add",
        lambda w: RiskForm(strategy=w.action.theme.strategy, submit_label="Add"),
        lambda w: risk_data(w),
        "officer",
    ),
    FormPage(
        "risk_edit",
        lambda w: RiskForm(
            strategy=w.action.theme.strategy, mitigation_rows=4, submit_label="Save"
        ),
        lambda w: risk_data(w, a_risk(w)),
        "coordinator",
    ),
    FormPage(
        "risk_review",
        lambda w: RiskReviewForm(),
        lambda w: helpers.risk_review_form(a_council_risk(w)),
        "officer",
    ),
]
FORM_PAGE = {page.name: page for page in FORM_PAGES}
ROW: dict = {}
for (
    _row
) in MATRIX:  # a URL with two rows (say, reviewing an update or input) is reached by its first
    ROW.setdefault(_row.name, _row)


# --- Sending a request and judging its response -------------------------------------------


def show(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if len(value) > 40:
        return f"{value[:12]!r}… ({len(value)} chars)"
    return repr(value)


def frames_of(exc_info) -> str:
    """The exception, the deepest frame of the application's own code, the deepest frame
    outside Django (a third-party app's), and the frame that raised it."""
    if not exc_info:
        return "no exception recorded"
    exc_type, exc, tb = exc_info
    frames = traceback.extract_tb(tb)

    def place(frame) -> str:
        path = Path(frame.filename)
        if path.is_relative_to(APP_ROOT / ".venv"):
            path = Path(*path.parts[path.parts.index("site-packages") + 1 :])
        elif path.is_relative_to(APP_ROOT):
            path = path.relative_to(APP_ROOT)
        return f"{path}:{frame.lineno} in {frame.name}"

    own = [f for f in frames if "/.venv/" not in f.filename and "/tests/" not in f.filename]
    other = [f for f in frames if "/site-packages/" in f.filename and "/django/" not in f.filename]
    text = f"app frame {place(own[-1]) if own else '-'}"
    if other:
        text += f"; via {place(other[-1])}"
    text += f"; raised at {place(frames[-1])}"
    return f"{exc_type.__name__}: {str(exc)[:100]!r}; {text}"


def signature(cause: str) -> str:
    """A cause without its message (which may quote the value): the type and the frames."""
    kind, _, rest = cause.partition(": ")
    return kind + rest[rest.find("; app frame") :]


def is_form_error_page(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    body = response.content
    return b"govuk-error-summary" in body or b"errornote" in body or b"errorlist" in body


PRODUCT_TABLES = {
    model._meta.db_table
    for app in PRODUCT_APPS
    for model in apps.get_app_config(app).get_models(include_auto_created=True)
}


def wrote_product_rows(queries) -> bool:
    """Whether any statement wrote to a product table: if none did, snapshot() cannot change."""
    for query in queries:
        sql = query["sql"]
        if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", sql, re.I) and any(
            f'"{table}"' in sql or f" {table} " in sql for table in PRODUCT_TABLES
        ):
            return True
    return False


class Problems:
    """Problems found by a sweep, one line each, distinct by view, method, field and cause.

    `baseline` is the snapshot of the world before any request of the sweep: every request
    is rolled back, so it is also the snapshot before each request.
    """

    def __init__(self):
        self.lines: dict[str, str] = {}
        self.baseline: str | None = None

    def add(self, key: str, line: str) -> None:
        self.lines.setdefault(key, line)

    def check(self) -> None:
        assert not self.lines, f"{len(self.lines)} problem(s):\n" + "\n".join(
            sorted(self.lines.values())
        )


def send(client, method, url, data, *, persona, field, value, problems: Problems, check_writes):
    """Send one request in a savepoint rolled back afterwards; record any problem."""
    view = resolve(urlsplit(url).path).view_name
    where = f"{method.upper()} {url} ({view}) as {persona}, {field}={show(value)}"
    with transaction.atomic():
        if check_writes and problems.baseline is None:
            problems.baseline = snapshot()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data)
            status = response.status_code
            if status < 500 and response.streaming:
                try:
                    b"".join(response.streaming_content)
                except Exception:  # the download breaks off after its 200 has been sent
                    cause = frames_of(sys.exc_info())
                    problems.add(
                        f"{method} {view} {field} {signature(cause)}",
                        f"{status}, then an error while streaming: {where}: {cause}",
                    )
        if status >= 500:
            cause = frames_of(getattr(response, "exc_info", None))
            problems.add(
                f"{method} {view} {field} {signature(cause)}", f"{status} {where}: {cause}"
            )
        elif (
            check_writes
            and (400 <= status < 500 or is_form_error_page(response))
            and wrote_product_rows(queries.captured_queries)
            and snapshot() != problems.baseline
        ):
            problems.add(f"write {method} {view} {field}", f"partial write ({status}) {where}")
        transaction.set_rollback(True)
    return response


def client_as(world, persona) -> Client:
    return helpers.signed_in(Client(raise_request_exception=False), world.personas[persona])


def url_for(name, world, client=None) -> str:
    """The URL of matrix row `name`; a real reset link (followed to its form) for the reset."""
    if name == "password_reset_confirm" and client is not None:
        user = a_user(world)
        url = reverse(
            name,
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        response = client.get(url)  # keeps the token in the session, sends to the form
        return response["Location"] if response.status_code == 302 else url
    if name in ROW:
        return ROW[name].url(world)
    return reverse(name)


def refresh(world) -> None:
    """Re-read the records whose version the form data carries."""
    world.action.refresh_from_db()
    world.council_action.refresh_from_db()


def every_value(field_names: Iterable[str], value) -> dict:
    return dict.fromkeys(field_names, value)


# --- Forms: every field × every value --------------------------------------------------


@pytest.mark.parametrize("form_page", FORM_PAGES, ids=lambda p: p.name)
def test_every_form_field_with_every_hostile_value(world, form_page):
    """As someone the view lets through: each field in turn, the other fields valid."""
    problems = Problems()
    client = client_as(world, form_page.persona)
    url = url_for(form_page.name, world, client)
    form = form_page.form(world)
    for field in form_page.names(world):
        for value in VALUES:
            refresh(world)
            data = {**form_page.data(world), field: value}
            send(
                client,
                "post",
                url,
                data,
                persona=form_page.persona,
                field=field,
                value=value,
                problems=problems,
                check_writes=True,
            )
    for parts in date_parts(form):
        for date in IMPOSSIBLE_DATES:
            refresh(world)
            data = {**form_page.data(world), **dict(zip(parts, date, strict=True))}
            send(
                client,
                "post",
                url,
                data,
                persona=form_page.persona,
                field=parts[0][:-2],
                value="/".join(date),
                problems=problems,
                check_writes=True,
            )
    problems.check()


def post_rows():
    """Every matrix row that takes a POST from someone."""
    return [row for row in MATRIX if any(code != 405 for code in row.post.values())]


@pytest.mark.parametrize("row", post_rows(), ids=lambda r: r.label)
def test_every_post_as_every_persona(world, row):
    """Every persona, every short-list value in every field at once (and some unknown keys)."""
    problems = Problems()
    page = FORM_PAGE.get(row.name)
    names = page.names(world) if page else []
    for persona in PERSONAS:
        client = client_as(world, persona)
        url = url_for(row.name, world, client) if row.case == "" else row.url(world)
        for value in SHORT:
            refresh(world)
            data = {**every_value(names, value), "junk": value, "version": value}
            send(
                client,
                "post",
                url,
                data,
                persona=persona,
                field="every field",
                value=value,
                problems=problems,
                check_writes=True,
            )
    problems.check()


# --- Query parameters -------------------------------------------------------------------


def get_rows():
    return [row.name for row in MATRIX if any(code != 405 for code in row.get.values())]


@pytest.mark.parametrize("name", [*get_rows(), "admin:login"])
def test_every_get_as_every_persona(world, name):
    """Every persona: every short-list value in every known query parameter at once."""
    problems = Problems()
    for persona in PERSONAS:
        client = client_as(world, persona)
        url = url_for(name, world)
        for value in SHORT:
            if value == "" and name == "cabinet_report_pdf" and persona != "admin":
                continue  # an empty ?report= is the plain PDF (slow): one persona suffices
            send(
                client,
                "get",
                url,
                every_value(ALL_PARAMS, value),
                persona=persona,
                field="every parameter",
                value=value,
                problems=problems,
                check_writes=True,
            )
    problems.check()


READER = "cabinet"  # reads every page, changes nothing


@pytest.mark.parametrize("name", sorted(QUERY_PARAMS))
def test_every_query_parameter_with_every_hostile_value(world, name):
    """As a reader: each parameter the URL reads, in turn, with every value."""
    problems = Problems()
    persona = "admin" if name.startswith("admin:") else READER
    client = client_as(world, "anonymous" if name == "login" else persona)
    url = url_for(name, world)
    # The workbook is slow to build and reads the plan's filters (swept one by one on the
    # plan and the CSV): all of them at once, and the free-text search alone.
    sweeps = (
        [("every parameter", QUERY_PARAMS[name]), ("q", ["q"])]
        if name == "export_xlsx"
        else [(param, [param]) for param in QUERY_PARAMS[name]]
    )
    for param, params in sweeps:
        for value in VALUES:
            if name == "cabinet_report_pdf" and value in ("", "   ", "\r\n\t"):
                continue  # no report asked for: the plain PDF, slow and tested elsewhere
            send(
                client,
                "get",
                url,
                dict.fromkeys(params, value),
                persona=persona,
                field=param,
                value=value,
                problems=problems,
                check_writes=True,
            )
    problems.check()


# --- The admin --------------------------------------------------------------------------

ADMIN_IDS = ["abc", "1e9", "1.0", "99999999999999999999", "a\x00b"]


def admin_pages():
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        for view in ("change", "history"):
            yield f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


@pytest.mark.parametrize("name", list(admin_pages()))
def test_admin_object_pages_with_ids_that_are_not_numbers(world, name):
    """An administrator asking for an object that cannot exist gets a 404 or a redirect."""
    problems = Problems()
    client = client_as(world, "admin")
    for object_id in ADMIN_IDS:
        url = reverse(name, kwargs={"object_id": object_id})
        send(
            client,
            "get",
            url,
            {},
            persona="admin",
            field="object_id",
            value=object_id,
            problems=problems,
            check_writes=False,
        )
    problems.check()


@pytest.mark.parametrize(
    "name",
    [
        f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"
        for m in sorted(admin.site._registry, key=lambda m: m._meta.label)
    ],
)
def test_admin_lists_with_hostile_parameters(world, name):
    """Search, ordering, page and filters of every admin list."""
    problems = Problems()
    client = client_as(world, "admin")
    url = reverse(name)
    for value in ["99999999999999999999", "x" * 60_000, ["a\x00b", "<script>"]]:
        for params in ({"q": value}, {"o": value, "p": value, "all": value}):
            send(
                client,
                "get",
                url,
                params,
                persona="admin",
                field="/".join(params),
                value=value,
                problems=problems,
                check_writes=False,
            )
    problems.check()


# --- The rendered forms have the names the sweeps post ---------------------------------


RENDERED_INPUT = re.compile(r'<(?:input|select|textarea)\b[^>]*?\sname="([^"]+)"')


@pytest.mark.parametrize("form_page", FORM_PAGES, ids=lambda p: p.name)
def test_field_names_are_in_the_rendered_forms(world, form_page):
    """Every input of the rendered form is swept; every date part swept is a real input.

    (A field shown only in some cases, such as a confirmation box, may be missing from the
    page as first shown; it is swept all the same.)
    """
    client = client_as(world, form_page.persona)
    if form_page.shown_on:
        url = form_page.shown_on(world)
    else:
        url = url_for(form_page.name, world, client)
    response = client.get(url)
    assert response.status_code == 200, url
    rendered = set(RENDERED_INPUT.findall(response.content.decode())) - {"csrfmiddlewaretoken"}
    assert rendered <= set(form_page.names(world)), f"{form_page.name}: inputs not swept"
    for parts in date_parts(form_page.form(world)):
        assert set(parts) <= rendered, f"{form_page.name}: {parts} are not the rendered date inputs"


def test_every_form_page_is_swept():
    """Each matrix row that takes posted data has a form here, so its fields are swept."""
    with_data = {row.name for row in MATRIX if row.data}
    assert with_data <= set(FORM_PAGE)


# --- Generated values (Hypothesis) ----------------------------------------------------

GENERATED = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(),
    st.integers().map(str),
    st.floats().map(str),
    st.lists(st.text(max_size=5), min_size=2, max_size=3),
)
date_part = st.one_of(st.integers().map(str), st.text(max_size=6), st.sampled_from(HOSTILE[:10]))


def hypothesis_send(world, persona, method, url, data, field):
    problems = Problems()
    client = client_as(world, persona)
    send(
        client,
        method,
        url,
        data,
        persona=persona,
        field=field,
        value=str(data)[:60],
        problems=problems,
        check_writes=True,
    )
    problems.check()


@GENERATED
@given(params=st.dictionaries(st.sampled_from(QUERY_PARAMS["plan"]), value, max_size=4))
def test_generated_plan_filters(world, params):
    hypothesis_send(world, READER, "get", reverse("plan"), params, field="filters")


@GENERATED
@given(params=st.dictionaries(st.sampled_from(QUERY_PARAMS["council_actions"]), value, max_size=4))
def test_generated_council_action_filters(world, params):
    hypothesis_send(world, READER, "get", reverse("council_actions"), params, field="filters")


@GENERATED
@given(since=value)
def test_generated_since(world, since):
    hypothesis_send(world, READER, "get", reverse("dashboard_changes"), {"since": since}, "since")


@GENERATED
@given(
    fields=st.dictionaries(
        st.sampled_from(input_names(ProgressUpdateForm())), value, min_size=1, max_size=3
    ),
    date=st.tuples(date_part, date_part, date_part),
)
def test_generated_progress_update(world, fields, date):
    refresh(world)
    parts = date_parts(ProgressUpdateForm())[0]
    data = {**update_data(world), **dict(zip(parts, date, strict=True)), **fields}
    hypothesis_send(world, "forum_member", "post", ROW["action_update"].url(world), data, "form")


ROUND_DATES = len(date_parts(OpenRoundForm()))  # the period, the due date and the meetings


@GENERATED
@given(
    dates=st.lists(
        st.tuples(date_part, date_part, date_part), min_size=ROUND_DATES, max_size=ROUND_DATES
    )
)
def test_generated_round_dates(world, dates):
    data = round_data(world)
    for parts, date in zip(date_parts(OpenRoundForm()), dates, strict=True):
        data.update(zip(parts, date, strict=True))
    hypothesis_send(world, "coordinator", "post", reverse("round_open"), data, "dates")
