"""One permission matrix: every URL of the product, every persona, GET and POST.

Each row names a URL, how to build its arguments from the test world, and the
status code each persona gets. POSTs send the row's data (a valid change where
there is one) and, wherever the persona may not change anything, the test
checks that no row in the product's tables changed.

`test_every_url_is_in_the_matrix` walks the URL configuration and fails when a
URL has no row, so a new view cannot escape the matrix.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import helpers
from tests.factories import (
    CabinetReportFactory,
    CommentFactory,
    CouncilInputFactory,
    DownloadFactory,
    EvidenceFileFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    MonitoringRoundFactory,
    ProgressUpdateFactory,
    RiskFactory,
)
from tests.helpers import input_form, round_form, update_form

PERSONAS = [
    "anonymous",
    "forum_member",
    "forum_other",
    "coordinator",
    "officer",
    "officer_above",
    "officer_other",
    "cabinet",
    "admin",
    "no_role",
]
SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
WITH_ROLE = [p for p in SIGNED_IN if p != "no_role"]

# Status codes, by meaning.
OK, FOUND, FORBIDDEN, NOT_ALLOWED = 200, 302, 403, 405


def everyone(code):
    return dict.fromkeys(PERSONAS, code)


def signed_in(code, anonymous=FOUND, no_role=None):
    """`code` for people with a role; anonymous is sent to sign in; no_role as given."""
    expected = {"anonymous": anonymous, **dict.fromkeys(WITH_ROLE, code)}
    expected["no_role"] = code if no_role is None else no_role
    return expected


@dataclass
class Row:
    name: str
    get: dict
    post: dict
    kwargs: object = None  # callable(world) -> dict of URL kwargs
    data: object = None  # callable(world) -> POST data
    may_change: set = field(default_factory=set)  # personas whose POST may change rows
    case: str = ""  # told apart in test ids when one URL has two rows

    @property
    def label(self) -> str:
        return f"{self.name}[{self.case}]" if self.case else self.name

    def url(self, world):
        return reverse(self.name, kwargs=self.kwargs(world) if self.kwargs else None)


ROLE_READER = signed_in(OK, no_role=FORBIDDEN)
ADMIN_ONLY = {**signed_in(FORBIDDEN), "admin": OK}
# Who may post progress on `world.action` (led by the forum member's organisation).
UPDATERS = {"forum_member", "coordinator", "admin"}
ROUND_MANAGERS = {"coordinator", "admin"}
# Who may record input and decisions on `world.council_action` (answered for by `world.unit`).
UNIT_OFFICERS = {"officer", "officer_above", "admin"}
# Who may add a proposed council action (for a unit they answer for).
ADDERS = {"officer", "officer_above", "officer_other", "admin"}


def only(people, code, refused=FORBIDDEN):
    return {**signed_in(refused), **dict.fromkeys(people, code)}


def a_round(world):
    """An open monitoring round, made once per test world."""
    if not hasattr(world, "round"):
        world.round = MonitoringRoundFactory(opened_by=world.personas["coordinator"])
    return world.round


def update_data(world):
    return update_form(
        world.action,
        percent_complete="25",
        narrative="Matrix update",
        next_steps="",
        evidence_url="",
    )


def input_data(world):
    return input_form(world.council_action, percent_complete="15", commentary="Matrix input")


def decision_data(world):
    return {"version": world.council_action.version, "decision": "deferred", "reason": "Matrix"}


def add_data(world):
    return {"text": "A matrix action", "responsible_unit": world.unit.pk}


def round_data(world):
    return round_form(name="Matrix round")


def a_download(world):
    """A finished download of the forum member's, made once per test world."""
    if not hasattr(world, "download"):
        world.download = DownloadFactory(requested_by=world.personas["forum_member"])
    return world.download


def download_data(world):
    return {"kind": "plan_csv", "query": "status=off_track"}


# Only the person who asked for a download sees it; to anyone else it is "not found".
NOT_FOUND = 404
OWNER_ONLY = {**signed_in(NOT_FOUND, no_role=FORBIDDEN), "forum_member": OK}


def a_submitted_update(world):
    """The forum member's update on world.action, waiting for review, made once per world."""
    if not hasattr(world, "submitted_update"):
        world.submitted_update = ProgressUpdateFactory(
            strategy_action=world.action, author=world.personas["forum_member"], approved=False
        )
    return world.submitted_update


def a_submitted_input(world):
    """The officer's input on world.council_action, waiting for review, made once per world."""
    if not hasattr(world, "submitted_input"):
        world.submitted_input = CouncilInputFactory(
            council_action=world.council_action, author=world.personas["officer"], approved=False
        )
    return world.submitted_input


def a_sent_report(world):
    """A generated report with its PDF kept (a small stand-in file), made once per world."""
    if not hasattr(world, "sent_report"):
        from django.core.files.base import ContentFile

        report = CabinetReportFactory(created_by=world.personas["coordinator"])
        report.pdf.save(report.pdf_filename(), ContentFile(b"%PDF-1.7 matrix"), save=True)
        world.sent_report = report
    return world.sent_report


# Everyone who reads the plan may comment on any action (the plan is shared: another
# organisation's people too), except Cabinet members, who only read.
COMMENTERS = set(WITH_ROLE) - {"cabinet"}


def a_comment(world, hidden=False):
    """The forum member's comment on world.action (hidden by the admin if asked), made once
    per test world."""
    if not hasattr(world, "comment"):
        world.comment = CommentFactory(
            strategy_action=world.action,
            author=world.personas["forum_member"],
            hidden_by=world.personas["admin"] if hidden else None,
        )
    return world.comment


def a_pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def evidence_on(world, kind, *, draft=False, approved=False):
    """An evidence file on the forum member's update or the officer's input: a draft,
    submitted, or approved."""
    if kind == "update":
        record = ProgressUpdateFactory(
            strategy_action=world.action,
            author=world.personas["forum_member"],
            approved=approved,
            submit=not draft,
        )
    else:
        record = CouncilInputFactory(
            council_action=world.council_action,
            author=world.personas["officer"],
            approved=approved,
            submit=not draft,
        )
    return EvidenceFileFactory(record=record)


# A file of a record the person may not see is "not found"; no role: 403; anonymous: sign in.
HIDDEN = signed_in(NOT_FOUND, no_role=FORBIDDEN)

REVIEWERS = {"coordinator", "admin"}  # of Forum updates; council input: administrators here
# A record not yet approved is "not found" to those who may neither see nor review it; its
# organisation sees it but may not review it (403).
UPDATE_REVIEW = {
    **signed_in(NOT_FOUND, no_role=FORBIDDEN),
    "forum_member": FORBIDDEN,
    **dict.fromkeys(REVIEWERS, OK),
}
INPUT_REVIEW = {**signed_in(NOT_FOUND, no_role=FORBIDDEN), "officer": FORBIDDEN, "admin": OK}


# --- Milestones (issue 13) ---

# Who may mark a milestone of `world.council_action` done: its unit's officers, the Forum
# coordinator and administrators.
COUNCIL_MARKERS = UNIT_OFFICERS | {"coordinator"}


def milestone_data(owner, title="A matrix milestone"):
    return {
        "title": title,
        **helpers.date_fields("due_date", datetime.date(2099, 3, 31)),
        "owner": owner.pk,
    }


def done_data(world):
    from django.utils import timezone

    return helpers.date_fields("done_on", timezone.localdate())


def _milestone_of(world, attr, action_field, action, owner, done):
    name = f"{attr}_done" if done else attr
    if not hasattr(world, name):
        setattr(
            world,
            name,
            MilestoneFactory(
                **{action_field: action},
                owner=owner,
                added_by=world.personas["admin"],
                done_on=datetime.date(2026, 1, 5) if done else None,
            ),
        )
    return getattr(world, name)


def a_milestone(world, done=False):
    """A milestone of world.action owned by world.partner (done, or open), made once."""
    return _milestone_of(world, "milestone", "strategy_action", world.action, world.partner, done)


def a_council_milestone(world, done=False):
    """A milestone of world.council_action owned by world.unit (done, or open), made once."""
    return _milestone_of(
        world, "council_milestone", "council_action", world.council_action, world.unit, done
    )


# Indicators (issue 13): defined by the coordinator, officers and administrators; a value
# recorded by the organisation that measures it (`world.partner` for the charity's, `world.unit`
# for the unit's: its officers and those of the directorate above), the coordinator and
# administrators; reviewed by the coordinator and administrators, never their own.
DEFINERS = {"coordinator", "officer", "officer_above", "officer_other", "admin"}
CHARITY_RECORDERS = {"forum_member", "coordinator", "admin"}
# Who may import the plan or progress from a spreadsheet (issue 14).
IMPORTERS = {"coordinator", "admin"}


def a_plan_csv(world):
    """The world's action as a plan CSV (unchanged: the upload is kept for its preview)."""
    action = world.action
    row = [action.theme.strategy.slug, action.theme.number, action.reference, action.position]
    body = "Strategy key,Theme number,Reference,Position,Strategy action\n"
    body += ",".join(str(v) for v in row) + ',"' + action.text + '"\n'
    return SimpleUploadedFile("plan.csv", body.encode(), content_type="text/csv")


def a_progress_csv(world):
    action = world.action
    body = "Strategy key,Theme number,Reference,Status,Percent complete,What has happened\n"
    body += f"{action.theme.strategy.slug},{action.theme.number},{action.reference},"
    body += "On track,30,Three events held\n"
    return SimpleUploadedFile("progress.csv", body.encode(), content_type="text/csv")


def an_import(world):
    """A previewed plan import that changes nothing, made once per test world."""
    if not hasattr(world, "an_import"):
        from imports.models import ImportRecord
        from imports.plan import Comparison

        world.an_import = ImportRecord.objects.create(
            kind=ImportRecord.Kind.PLAN,
            file_name="plan.xlsx",
            sha256="0" * 64,
            size=1,
            uploaded_by=world.personas["coordinator"],
            preview_digest=Comparison().digest,
        )
    return world.an_import


UNIT_RECORDERS = {"officer", "officer_above", "coordinator", "admin"}
VALUE_REVIEW = {
    **signed_in(NOT_FOUND, no_role=FORBIDDEN),
    "forum_member": FORBIDDEN,  # their own: seen, never reviewed by them
    **dict.fromkeys(REVIEWERS, OK),
}


def an_indicator(world):
    """An indicator measured by world.partner, on world.action's strategy, made once."""
    if not hasattr(world, "indicator"):
        world.indicator = IndicatorFactory(
            strategy=world.action.theme.strategy,
            owner=world.partner,
            created_by=world.personas["coordinator"],
            strategy_actions=[world.action],
        )
    return world.indicator


def a_unit_indicator(world):
    """An indicator measured by world.unit, made once per world."""
    if not hasattr(world, "unit_indicator"):
        world.unit_indicator = IndicatorFactory(
            strategy=world.action.theme.strategy,
            owner=world.unit,
            created_by=world.personas["admin"],
        )
    return world.unit_indicator


def a_submitted_value(world):
    """The forum member's value of an_indicator, waiting for review, made once per world."""
    if not hasattr(world, "submitted_value"):
        world.submitted_value = IndicatorValueFactory(
            indicator=an_indicator(world), author=world.personas["forum_member"], approved=False
        )
    return world.submitted_value


def indicator_data(world, **overrides):
    overrides.setdefault("name", "Matrix indicator")
    return helpers.indicator_form(world.action.theme.strategy, world.partner, **overrides)


MATRIX = [
    Row(
        "home",
        get={
            **signed_in(OK, no_role=FORBIDDEN),
            # Those without a list of their own land on the plan.
            "coordinator": FOUND,
            "cabinet": FOUND,
            "admin": FOUND,
            # Officers land on their unit's proposed council actions.
            "officer": FOUND,
            "officer_above": FOUND,
            "officer_other": FOUND,
        },
        post=everyone(NOT_ALLOWED),
    ),
    Row("plan", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(  # the decision on a strategy, whole (issue 15)
        "strategy_decision",
        kwargs=lambda w: {"slug": w.action.theme.strategy.slug},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row("healthz", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row(
        "action",
        kwargs=lambda w: {"pk": w.action.pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "action_update",
        kwargs=lambda w: {"pk": w.action.pk},
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),  # a valid update: saved, then back to the action
        data=update_data,
        may_change=UPDATERS,
    ),
    Row("council_actions", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(
        "council_action",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "council_action_input",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        data=input_data,
        may_change=UNIT_OFFICERS,
    ),
    Row(
        "council_action_decision",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        data=decision_data,
        may_change=UNIT_OFFICERS,
    ),
    Row(
        "council_action_add",
        kwargs=lambda w: {"pk": w.action.pk},
        get=only(ADDERS, OK),
        # The data names world.unit: an officer of another unit may not choose it (the
        # form comes back with an error, nothing saved).
        post={**only(ADDERS, FOUND), "officer_other": OK},
        data=add_data,
        may_change=ADDERS - {"officer_other"},
    ),
    Row("dashboard", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row("dashboard_changes", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row("slippage", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(
        "cabinet_report",
        get=ROLE_READER,
        # Generating the report keeps a snapshot: the coordinator and administrators only.
        post=only(ROUND_MANAGERS, FOUND),
        may_change=ROUND_MANAGERS,
    ),
    Row("cabinet_report_pdf", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row("report_archive", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(
        "report_file",
        kwargs=lambda w: {"pk": a_sent_report(w).pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "report_reissue",
        kwargs=lambda w: {"pk": a_sent_report(w).pk},
        get=everyone(NOT_ALLOWED),
        post=only(ROUND_MANAGERS, FOUND),
        may_change=ROUND_MANAGERS,
    ),
    Row("export_csv", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row("export_xlsx", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row("downloads", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(
        "new_download",
        get=everyone(NOT_ALLOWED),
        # Asking for a file records the request (and, in tests, makes the file at once).
        post=signed_in(FOUND, no_role=FORBIDDEN),
        data=download_data,
        may_change=set(WITH_ROLE),
    ),
    Row(
        "download",
        kwargs=lambda w: {"pk": a_download(w).pk},
        get=OWNER_ONLY,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "download_status",
        kwargs=lambda w: {"pk": a_download(w).pk},
        get=OWNER_ONLY,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "download_file",
        kwargs=lambda w: {"pk": a_download(w).pk},
        get=OWNER_ONLY,
        post=everyone(NOT_ALLOWED),
    ),
    Row("review_queue", get=only(REVIEWERS, OK), post=everyone(NOT_ALLOWED)),
    Row(
        "review_approve_selected",
        get=everyone(NOT_ALLOWED),
        post=only(REVIEWERS, FOUND),
        data=lambda w: {"records": [f"update-{a_submitted_update(w).pk}"]},
        may_change=REVIEWERS,
    ),
    Row(
        "review",
        kwargs=lambda w: {"kind": "update", "pk": a_submitted_update(w).pk},
        case="update",
        get=UPDATE_REVIEW,
        post={**UPDATE_REVIEW, **dict.fromkeys(REVIEWERS, FOUND)},
        data=lambda w: {"decision": "approve"},
        may_change=REVIEWERS,
    ),
    Row(
        "review",
        kwargs=lambda w: {"kind": "input", "pk": a_submitted_input(w).pk},
        case="input",
        get=INPUT_REVIEW,
        post={**INPUT_REVIEW, "admin": FOUND},
        data=lambda w: {"decision": "return", "comment": "Matrix comment"},
        may_change={"admin"},
    ),
    Row("rounds", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(
        "round_open",
        get=only(ROUND_MANAGERS, OK),
        post=only(ROUND_MANAGERS, FOUND),
        data=round_data,
        may_change=ROUND_MANAGERS,
    ),
    Row(
        "round",
        kwargs=lambda w: {"pk": a_round(w).pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "round_close",
        kwargs=lambda w: {"pk": a_round(w).pk},
        get=only(ROUND_MANAGERS, OK),
        post=only(ROUND_MANAGERS, FOUND),
        may_change=ROUND_MANAGERS,
    ),
    Row("accessibility", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row(
        "login",
        get={**dict.fromkeys(SIGNED_IN, FOUND), "anonymous": OK},
        post={**dict.fromkeys(SIGNED_IN, FOUND), "anonymous": OK},  # form errors
    ),
    Row("logout", get=everyone(NOT_ALLOWED), post=everyone(FOUND)),
    Row("password_change", get=signed_in(OK), post=signed_in(OK)),  # empty form: errors
    Row("password_change_done", get=signed_in(OK), post=signed_in(NOT_ALLOWED)),
    Row("password_reset", get=everyone(OK), post=everyone(OK)),  # empty form: errors
    Row("password_reset_done", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row(
        "password_reset_confirm",
        kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-valid-token"},
        get=everyone(OK),  # "this link has expired"
        post=everyone(OK),
    ),
    Row("password_reset_complete", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row("admin:index", get=ADMIN_ONLY, post=ADMIN_ONLY),
    Row(
        "admin:actions_strategyaction_change",
        kwargs=lambda w: {"object_id": w.action.pk},
        get=ADMIN_ONLY,
        post=ADMIN_ONLY,  # an incomplete form: errors shown, nothing saved
    ),
    # Discussion on an action (issue 13)
    Row(
        "action_comment",
        kwargs=lambda w: {"pk": w.action.pk},
        # The fallback page with the form (where errors are shown); Cabinet members only read.
        get=only(COMMENTERS, OK),
        post=only(COMMENTERS, FOUND),  # posted, then back to the comment in its thread
        data=lambda w: {"body": "A matrix question"},
        may_change=COMMENTERS,
    ),
    Row(
        "council_action_comment",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(COMMENTERS, OK),
        post=only(COMMENTERS, FOUND),
        data=lambda w: {"body": "A matrix answer"},
        may_change=COMMENTERS,
    ),
    Row(
        "comment_hide",
        kwargs=lambda w: {"pk": a_comment(w).pk},
        get=ADMIN_ONLY,
        post={**ADMIN_ONLY, "admin": FOUND},
        data=lambda w: {"reason": "Matrix reason"},
        may_change={"admin"},
    ),
    Row(
        "comment_unhide",
        kwargs=lambda w: {"pk": a_comment(w, hidden=True).pk},
        get=everyone(NOT_ALLOWED),
        post=only({"admin"}, FOUND),
        may_change={"admin"},
    ),
    # Evidence files (issue 13)
    Row(
        "action_update",
        case="with a file",
        kwargs=lambda w: {"pk": w.action.pk},
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),  # another organisation cannot attach: 403, nothing kept
        data=lambda w: {**update_data(w), "evidence_files": a_pdf_upload()},
        may_change=UPDATERS,
    ),
    Row(
        "council_action_input",
        case="with a file",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        data=lambda w: {**input_data(w), "evidence_files": a_pdf_upload()},
        may_change=UNIT_OFFICERS,
    ),
    Row(
        "evidence_file",
        case="draft update",  # its organisation only (the coordinator is of the same one)
        kwargs=lambda w: {"pk": evidence_on(w, "update", draft=True).pk},
        get={**HIDDEN, "forum_member": OK, "coordinator": OK},
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "evidence_file",
        case="submitted update",  # its organisation and the Forum's reviewers
        kwargs=lambda w: {"pk": evidence_on(w, "update", draft=False).pk},
        get={**HIDDEN, "forum_member": OK, "coordinator": OK, "admin": OK},
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "evidence_file",
        case="approved update",  # part of the plan: everyone who reads it, Cabinet too
        kwargs=lambda w: {"pk": evidence_on(w, "update", approved=True).pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "evidence_file",
        case="draft input",  # the unit's officers only: not the unit above, nor another
        kwargs=lambda w: {"pk": evidence_on(w, "input", draft=True).pk},
        get={**HIDDEN, "officer": OK},
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "evidence_file",
        case="approved input",
        kwargs=lambda w: {"pk": evidence_on(w, "input", approved=True).pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "evidence_remove",
        case="draft update",  # its organisation, who may post on the action
        kwargs=lambda w: {"pk": evidence_on(w, "update", draft=True).pk},
        get=everyone(NOT_ALLOWED),
        post={**HIDDEN, "forum_member": FOUND, "coordinator": FOUND},
        may_change={"forum_member", "coordinator"},
    ),
    Row(
        "evidence_remove",
        case="submitted update",  # files stay with a submitted record: seen, not removed
        kwargs=lambda w: {"pk": evidence_on(w, "update", draft=False).pk},
        get=everyone(NOT_ALLOWED),
        post={**HIDDEN, "forum_member": FORBIDDEN, "coordinator": FORBIDDEN, "admin": FORBIDDEN},
    ),
    Row(
        "evidence_remove",
        case="draft input",
        kwargs=lambda w: {"pk": evidence_on(w, "input", draft=True).pk},
        get=everyone(NOT_ALLOWED),
        post={**HIDDEN, "officer": FOUND},
        may_change={"officer"},
    ),
    # Milestones (issue 13)
    Row(
        "action_milestone_add",
        kwargs=lambda w: {"pk": w.action.pk},
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),
        data=lambda w: milestone_data(w.partner),
        may_change=UPDATERS,
    ),
    Row(
        "council_action_milestone_add",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        data=lambda w: milestone_data(w.unit),
        may_change=UNIT_OFFICERS,
    ),
    Row(
        "milestone_edit",
        kwargs=lambda w: {"pk": a_milestone(w).pk},
        case="strategy",
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),
        data=lambda w: milestone_data(w.partner, "Matrix milestone changed"),
        may_change=UPDATERS,
    ),
    Row(
        "milestone_edit",
        kwargs=lambda w: {"pk": a_council_milestone(w).pk},
        case="council",
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        data=lambda w: milestone_data(w.unit, "Matrix milestone changed"),
        may_change=UNIT_OFFICERS,
    ),
    Row(
        "milestone_remove",
        kwargs=lambda w: {"pk": a_milestone(w).pk},
        case="strategy",
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),
        may_change=UPDATERS,
    ),
    Row(
        "milestone_remove",
        kwargs=lambda w: {"pk": a_council_milestone(w).pk},
        case="council",
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        may_change=UNIT_OFFICERS,
    ),
    Row(
        "milestone_done",
        kwargs=lambda w: {"pk": a_milestone(w).pk},
        case="strategy",
        # Owned by the forum member's organisation.
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),
        data=done_data,
        may_change=UPDATERS,
    ),
    Row(
        "milestone_done",
        kwargs=lambda w: {"pk": a_council_milestone(w).pk},
        case="council",
        get=only(COUNCIL_MARKERS, OK),
        post=only(COUNCIL_MARKERS, FOUND),
        data=done_data,
        may_change=COUNCIL_MARKERS,
    ),
    Row(
        "milestone_undo",
        kwargs=lambda w: {"pk": a_milestone(w, done=True).pk},
        case="strategy",
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),
        may_change=UPDATERS,
    ),
    Row(
        "milestone_undo",
        kwargs=lambda w: {"pk": a_council_milestone(w, done=True).pk},
        case="council",
        get=only(COUNCIL_MARKERS, OK),
        post=only(COUNCIL_MARKERS, FOUND),
        may_change=COUNCIL_MARKERS,
    ),
    Row(
        "action_percent_source",
        kwargs=lambda w: {"pk": w.action.pk},
        get=only(UPDATERS, OK),
        post=only(UPDATERS, FOUND),
        data=lambda w: {"version": w.action.version, "source": "milestones"},
        may_change=UPDATERS,
    ),
    Row(
        "council_action_percent_source",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        data=lambda w: {"version": w.council_action.version, "source": "milestones"},
        may_change=UNIT_OFFICERS,
    ),
    # Indicators (issue 13)
    Row("indicators", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(
        "indicator",
        kwargs=lambda w: {"pk": an_indicator(w).pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "indicator_add",
        get=only(DEFINERS, OK),
        post=only(DEFINERS, FOUND),
        data=lambda w: indicator_data(w),
        may_change=DEFINERS,
    ),
    Row(
        "indicator_edit",
        kwargs=lambda w: {"pk": an_indicator(w).pk},
        get=only(DEFINERS, OK),
        post=only(DEFINERS, FOUND),
        data=lambda w: indicator_data(w, name="Renamed in the matrix"),
        may_change=DEFINERS,
    ),
    Row(
        "indicator_value_add",
        kwargs=lambda w: {"pk": an_indicator(w).pk},
        case="charity",
        get=only(CHARITY_RECORDERS, OK),
        post=only(CHARITY_RECORDERS, FOUND),
        data=lambda w: helpers.value_form(),
        may_change=CHARITY_RECORDERS,
    ),
    Row(
        "indicator_value_add",
        kwargs=lambda w: {"pk": a_unit_indicator(w).pk},
        case="unit",
        get=only(UNIT_RECORDERS, OK),
        post=only(UNIT_RECORDERS, FOUND),
        data=lambda w: helpers.value_form(),
        may_change=UNIT_RECORDERS,
    ),
    Row(
        "indicator_values_approve",
        get=only(REVIEWERS, OK),
        post=only(REVIEWERS, FOUND),
        data=lambda w: {"values": [str(a_submitted_value(w).pk)]},
        may_change=REVIEWERS,
    ),
    Row(
        "indicator_value_review",
        kwargs=lambda w: {"pk": a_submitted_value(w).pk},
        get=VALUE_REVIEW,
        post={**VALUE_REVIEW, **dict.fromkeys(REVIEWERS, FOUND)},
        data=lambda w: {"decision": "approve"},
        may_change=REVIEWERS,
    ),
    # Spreadsheet import (issue 14)
    Row(
        "import_plan",
        get=only(IMPORTERS, OK),
        post=only(IMPORTERS, FOUND),
        data=lambda w: {"file": a_plan_csv(w)},
        may_change=IMPORTERS,
    ),
    Row(
        "import_progress",
        get=only(IMPORTERS, OK),
        post=only(IMPORTERS, FOUND),
        data=lambda w: {"file": a_progress_csv(w)},
        may_change=IMPORTERS,
    ),
    Row("import_progress_template", get=only(IMPORTERS, OK), post=everyone(NOT_ALLOWED)),
    Row(
        "import_preview",
        kwargs=lambda w: {"pk": an_import(w).pk},
        get=only(IMPORTERS, OK),
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "import_confirm",
        kwargs=lambda w: {"pk": an_import(w).pk},
        get=everyone(NOT_ALLOWED),
        post=only(IMPORTERS, FOUND),
        may_change=IMPORTERS,
    ),
]

# --- Public site and open data (issue 14) ----------------------------------------------------
# Public pages answer everyone alike while the strategy is published, and "not found" to
# everyone, administrators included, while it is not. Only administrators publish.


def published(world):
    """world.action's strategy, published (made once per world)."""
    strategy = world.action.theme.strategy
    if not strategy.is_published:
        from django.utils import timezone

        strategy.published_at = timezone.now()
        strategy.save(update_fields=["published_at"])
    return strategy


def a_public_file(world):
    """An evidence file cleared for the public site, on an approved update of world.action."""
    if not hasattr(world, "public_file"):
        from evidence.models import EvidenceFile

        update = ProgressUpdateFactory(
            strategy_action=world.action, author=world.personas["forum_member"]
        )
        world.public_file = EvidenceFileFactory(record=update)
        EvidenceFile.objects.filter(pk=world.public_file.pk).update(is_public=True)
    return world.public_file


def _public_kwargs(world, *, publish, **extra):
    strategy = published(world) if publish else world.action.theme.strategy
    return {"slug": strategy.slug, **{k: v(world) for k, v in extra.items()}}


PUBLIC_URLS = {
    "public_strategy": {},
    "public_theme": {"number": lambda w: w.action.theme.number},
    "public_action": {"pk": lambda w: w.action.pk},
    "public_council_actions": {},
    "public_decision": {},  # issue 15
    "public_indicators": {},
    "public_indicator": {"pk": lambda w: an_indicator(w).pk},
    "public_open_data": {},
    "public_data_csv": {"dataset": lambda w: "actions"},
    "public_data_json": {"dataset": lambda w: "council-actions"},
    "public_file": {"pk": lambda w: a_public_file(w).pk},
}

MATRIX += [
    Row("public_landing", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row("public_sitemap", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row(
        "public_sitemap_section",
        kwargs=lambda w: _public_kwargs(w, publish=True) and {"section": "actions"},
        get=everyone(OK),
        post=everyone(NOT_ALLOWED),
    ),
    *(
        Row(
            name,
            kwargs=lambda w, extra=extra, publish=publish: _public_kwargs(
                w, publish=publish, **extra
            ),
            case="published" if publish else "unpublished",
            get=everyone(OK if publish else NOT_FOUND),
            post=everyone(NOT_ALLOWED),
        )
        for name, extra in PUBLIC_URLS.items()
        for publish in (True, False)
    ),
    Row(
        "strategy_publish",
        kwargs=lambda w: {"slug": w.action.theme.strategy.slug},
        get=ADMIN_ONLY,
        post={**signed_in(FORBIDDEN), "admin": FOUND},
        data=lambda w: {"intent": "publish"},
        may_change={"admin"},
    ),
]


# --- The council's duties: equality and social value (issue 15) ---
# Equality impact assessments: the coordinator and administrators on any action, and a
# proposed council action's unit officers on it. Social value: its unit officers and admins.
ASSESSORS = {"coordinator", "admin"}
COUNCIL_ASSESSORS = UNIT_OFFICERS | ASSESSORS


def equality_data(world):
    return {
        "version": "1",
        "affects_groups": "yes",
        "state": "not_needed",
        "reason_not_needed": "Matrix reason",
    }


def social_value_data(world):
    return {
        "version": "1",
        "involves_procurement": "yes",
        "wellbeing": "Matrix wellbeing",
        "securing": "Matrix securing",
        "consultation_needed": "no",
        "consultation_notes": "",
    }


MATRIX += [
    Row(
        "action_equality",
        kwargs=lambda w: {"pk": w.action.pk},
        get=only(ASSESSORS, OK),
        post=only(ASSESSORS, FOUND),
        data=equality_data,
        may_change=ASSESSORS,
    ),
    Row(
        "council_action_equality",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(COUNCIL_ASSESSORS, OK),
        post=only(COUNCIL_ASSESSORS, FOUND),
        data=equality_data,
        may_change=COUNCIL_ASSESSORS,
    ),
    Row(
        "council_action_social_value",
        kwargs=lambda w: {"pk": w.council_action.pk},
        get=only(UNIT_OFFICERS, OK),
        post=only(UNIT_OFFICERS, FOUND),
        data=social_value_data,
        may_change=UNIT_OFFICERS,
    ),
]


# --- The risk register (issue 15) ---
# A risk to the strategy as a whole: officers of any unit, the coordinator and administrators
# change and review it; a risk to world.council_action: its unit's officers (and above), the
# coordinator and administrators. Cabinet and Forum members read.
RISK_MANAGERS = {"officer", "officer_above", "officer_other", "coordinator", "admin"}
COUNCIL_RISK_MANAGERS = {"officer", "officer_above", "coordinator", "admin"}


def a_risk(world):
    """A risk to world.action's strategy as a whole, made once."""
    if not hasattr(world, "risk"):
        world.risk = RiskFactory(
            strategy=world.action.theme.strategy, added_by=world.personas["coordinator"]
        )
    return world.risk


def a_council_risk(world):
    """A risk to world.council_action, made once."""
    if not hasattr(world, "council_risk"):
        world.council_risk = RiskFactory(
            council_action=world.council_action, added_by=world.personas["officer"]
        )
    return world.council_risk


def risk_data(world, risk=None):
    applies_to = risk.council_action.reference if risk and risk.council_action_id else ""
    return helpers.risk_form(version=risk.version if risk else "", applies_to=applies_to)


def _risk_rows(name, make, managers, data, case):
    return Row(
        name,
        kwargs=lambda w: {"pk": make(w).pk},
        get=only(managers, OK),
        post=only(managers, FOUND),
        data=lambda w: data(w, make(w)),
        may_change=managers,
        case=case,
    )


MATRIX += [
    Row("risk_registers", get=ROLE_READER, post=everyone(NOT_ALLOWED)),
    Row(
        "risk_register",
        kwargs=lambda w: {"slug": w.action.theme.strategy.slug},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "risk",
        kwargs=lambda w: {"pk": a_risk(w).pk},
        get=ROLE_READER,
        post=everyone(NOT_ALLOWED),
    ),
    Row(
        "risk_add",
        kwargs=lambda w: {"slug": w.action.theme.strategy.slug},
        get=only(RISK_MANAGERS, OK),
        post=only(RISK_MANAGERS, FOUND),
        data=lambda w: risk_data(w),
        may_change=RISK_MANAGERS,
    ),
    _risk_rows("risk_edit", a_risk, RISK_MANAGERS, risk_data, "strategy"),
    _risk_rows("risk_edit", a_council_risk, COUNCIL_RISK_MANAGERS, risk_data, "council"),
    _risk_rows(
        "risk_review",
        a_risk,
        RISK_MANAGERS,
        lambda w, risk: helpers.risk_review_form(risk),
        "strategy",
    ),
    _risk_rows(
        "risk_review",
        a_council_risk,
        COUNCIL_RISK_MANAGERS,
        lambda w, risk: helpers.risk_review_form(risk),
        "council",
    ),
]


# --- Data protection (issue 15) ---
# Anyone reads the privacy notice; only administrators find people, export what is held about
# them and erase them (the no-role persona is the one looked up).
_SOMEONE = {"pk": lambda w: w.personas["no_role"].pk}
MATRIX += [
    Row("privacy_notice", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row("privacy_people", get=ADMIN_ONLY, post=everyone(NOT_ALLOWED)),
    *(
        Row(
            name,
            kwargs=lambda w: {k: v(w) for k, v in _SOMEONE.items()},
            get=ADMIN_ONLY,
            post=everyone(NOT_ALLOWED),
        )
        for name in ("privacy_person", "privacy_export")
    ),
    Row(
        "privacy_erase",
        kwargs=lambda w: {k: v(w) for k, v in _SOMEONE.items()},
        get=ADMIN_ONLY,
        post={**signed_in(FORBIDDEN), "admin": FOUND},
        data=lambda w: {"confirm": "erase"},
        may_change={"admin"},
    ),
]

# The Django admin is one product area: its permission is the Administrator
# role, checked by TrackerAdminSite.has_permission for every admin URL. The
# rows above check it through two representative admin pages.
COVERED_NAMESPACES = {"admin"}

PRODUCT_APPS = [
    "accounts",
    "strategy",
    "themes",
    "actions",
    "evidence",
    "monitoring",
    "indicators",
    "discussion",
    "reports",
    "publication",  # issue 14
    "imports",
    "duties",  # issue 15
    "risks",  # issue 15
    "privacy",  # issue 15
    "auth",
]


def snapshot() -> str:
    """A fingerprint of every row in the product's tables."""
    digest = hashlib.sha256()
    for app in PRODUCT_APPS:
        for model in sorted(apps.get_app_config(app).get_models(), key=lambda m: m.__name__):
            # Every row, whatever a default manager leaves out (progress not yet approved).
            rows = model._base_manager.order_by("pk")
            digest.update(serializers.serialize("json", rows).encode())
    return digest.hexdigest()


def client_for(client, world, persona):
    return helpers.signed_in(client, world.personas[persona])


def cases(method):
    return [
        pytest.param(row, persona, id=f"{method}-{row.label}-{persona}")
        for row in MATRIX
        for persona in PERSONAS
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona"), cases("GET"))
def test_get(client, world, row, persona):
    response = client_for(client, world, persona).get(row.url(world))
    assert response.status_code == row.get[persona]
    if response.status_code == FOUND and persona == "anonymous":
        # Sent to sign in (the admin's own login page forwards to the product's).
        assert "/login/?next=" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona"), cases("POST"))
def test_post(client, world, row, persona):
    client = client_for(client, world, persona)
    url = row.url(world)  # may create the record the URL names, before the snapshot
    data = row.data(world) if row.data else {}
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == row.post[persona]
    if persona in row.may_change:
        assert snapshot() != before, f"{persona}'s valid POST to {row.name} changed nothing"
    else:
        assert snapshot() == before, f"{persona} changed data through {row.name}"


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry}>"


def test_every_url_is_in_the_matrix():
    in_matrix = {row.name for row in MATRIX}
    missing = sorted(
        name
        for name in set(url_names())
        if name not in in_matrix and name.split(":")[0] not in COVERED_NAMESPACES
    )
    assert not missing, f"URLs with no row in the permission matrix: {missing}"


def test_every_row_names_every_persona():
    for row in MATRIX:
        assert set(row.get) == set(PERSONAS), row.name
        assert set(row.post) == set(PERSONAS), row.name


# --- The API (issue 14) ---
# Every API URL is in tests/test_api_matrix.py (every endpoint, method and persona; the token
# pages, schema and docs in tests/test_api.py): the walk above skips the namespace, this checks.
COVERED_NAMESPACES.add("api")


def test_every_api_url_is_in_the_api_matrix():
    from tests.test_api_matrix import COVERED

    api_names = {name.split(":", 1)[1] for name in url_names() if name.startswith("api:")}
    assert api_names, "no API URLs found"
    assert not api_names - COVERED, f"API URLs with no row: {sorted(api_names - COVERED)}"
