"""Who may do what: the one place the product's access rules live.

Views, templates and tests all call these functions. Views fetch objects
through the helpers at the bottom, which apply them: a record the person may
not see is a 404, a change they may not make is a 403.

Everyone with a role may read the whole plan, so a change refused on a record
the person can read is a 403 (a 404 would hide nothing).
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .roles import Role

if TYPE_CHECKING:
    from actions.models import CouncilAction, StrategyAction

    from .models import User


def roles(user) -> frozenset[str]:
    """The roles a person holds, read once per request and kept on the user object."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR}
        user._role_cache = cached
    return cached


def has_role(user, *wanted: Role) -> bool:
    return bool(roles(user) & set(wanted))


def is_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_read_plan(user) -> bool:
    """Every role reads the whole plan; a signed-in person without a role reads nothing."""
    return bool(roles(user))


def can_update_action(user: User, action: StrategyAction) -> bool:
    """Post progress on a strategy action: its responsible partners, coordinators, admins."""
    if has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR):
        return True
    if not has_role(user, Role.FORUM_MEMBER) or user.organisation_id is None:
        return False
    return user.organisation_id in responsible_partner_ids(action)


def can_record_council_input(user: User, council_action: CouncilAction) -> bool:
    """Record the council's input: officers of the responsible unit or a unit above it."""
    if is_administrator(user):
        return True
    if not has_role(user, Role.COUNCIL_OFFICER) or user.organisation_id is None:
        return False
    return council_action.responsible_unit_id in units_answered_for(user)


def can_record_decision(user: User, council_action: CouncilAction) -> bool:
    """Decide on a proposal: the same people who record the council's input on it."""
    return can_record_council_input(user, council_action)


def can_add_council_action(user: User) -> bool:
    """Add a proposed council action: council officers and administrators."""
    return has_role(user, Role.ADMINISTRATOR, Role.COUNCIL_OFFICER)


# --- Reviewing progress (monitoring/services.py) ------------------------------------------

#: Given by an administrator to a council officer (in the admin, on the person's page): they
#: review council input on their unit's and the units' below it proposed council actions.
REVIEW_INPUT = "actions.review_councilinput"

#: A record's review states, as stored (actions.models.ReviewState, which this module sits
#: below): waiting for a reviewer, and counted.
SUBMITTED = "submitted"
APPROVED = "approved"
#: ... and still with its organisation: being written, or returned for changes.
STILL_WITH_ORGANISATION = ("draft", "returned")


def reviews_forum_updates(user) -> bool:
    """The Forum coordinator (and administrators) review the Forum's progress updates."""
    return has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR)


def is_council_reviewer(user) -> bool:
    """A council officer given the right to review council input, or an administrator."""
    if is_administrator(user):
        return True
    return (
        has_role(user, Role.COUNCIL_OFFICER)
        and user.organisation_id is not None
        and user.has_perm(REVIEW_INPUT)
    )


def can_review_any(user) -> bool:
    """Whether the person has a review queue at all."""
    return reviews_forum_updates(user) or is_council_reviewer(user)


def _is_update(record) -> bool:
    return record.subject_field == "strategy_action"


def can_review(user, record) -> bool:
    """Approve or return a record: never one's own; Forum updates by the coordinator, council
    input by a reviewer for the proposed council action's unit (or a unit above it)."""
    if record.author_id == user.pk:
        return False
    if _is_update(record):
        return reviews_forum_updates(user)
    if not is_council_reviewer(user):
        return False
    if is_administrator(user):
        return True
    return record.council_action.responsible_unit_id in units_answered_for(user)


def updates_to_review(user, updates):
    """The submitted progress updates a person may review (not their own)."""
    if not reviews_forum_updates(user):
        return updates.none()
    return updates.filter(review_state=SUBMITTED).exclude(author=user)


def inputs_to_review(user, inputs):
    """The submitted council input a person may review (not their own)."""
    if not is_council_reviewer(user):
        return inputs.none()
    inputs = inputs.filter(review_state=SUBMITTED).exclude(author=user)
    if is_administrator(user):
        return inputs
    return inputs.filter(council_action__responsible_unit_id__in=units_answered_for(user))


def can_see_record(user, record) -> bool:
    """An approved record is part of the plan; a draft, submitted or returned one is seen by
    its organisation, and a submitted one by those who may review it."""
    if not can_read_plan(user):
        return False
    if record.review_state == APPROVED:
        return True
    if user.organisation_id is not None and record.organisation_id == user.organisation_id:
        return True
    return record.review_state == SUBMITTED and can_review(user, record)


def pending_seen_by(user, records):
    """Of an action's records (every state), those not approved that the person may see: their
    organisation's, and those they may review (the same rules as the review queue's)."""
    pending = records.exclude(review_state=APPROVED)
    to_review = (
        updates_to_review
        if records.model.subject_field == "strategy_action"
        else (inputs_to_review)
    )
    seen = Q(pk__in=to_review(user, pending).values("pk"))
    if user.organisation_id is not None:
        seen |= Q(organisation_id=user.organisation_id)
    return pending.filter(seen)


def check_can_review(user, record) -> None:
    if not can_review(user, record):
        if record.author_id == user.pk:
            raise PermissionDenied("You cannot review your own update: another reviewer must.")
        raise PermissionDenied("You may not review this update.")


def can_add_theme(user) -> bool:
    """Add a theme a strategy's source names but the plan lacks, in the admin: administrators
    (the admin is theirs alone) with Django's permission for it. Roles first, so that most
    readers cost no permission query."""
    return is_administrator(user) and user.has_perm("themes.add_theme")


def council_units_for(user: User):
    """The council units a person may make responsible for a new proposed council action."""
    from .models import Partner

    units = Partner.objects.council_units().active()
    if is_administrator(user):
        return units
    return units.filter(pk__in=units_answered_for(user))


def can_generate_report(user) -> bool:
    """Generate the Cabinet report (which keeps its figures): the coordinator and administrators."""
    return has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR)


def can_manage_rounds(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR)


def downloads_of(user, downloads):
    """The downloads (files made in the background) a person may see and fetch: their own,
    while they may still read the plan. Anyone else's is "not found", not "forbidden", so
    that their existence is not given away."""
    return downloads.filter(requested_by=user) if can_read_plan(user) else downloads.none()


def has_own_list(user) -> bool:
    """Forum members and officers land on the list of what they answer for; others on the plan."""
    return has_role(user, Role.FORUM_MEMBER, Role.COUNCIL_OFFICER) and not has_role(
        user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR, Role.CABINET_MEMBER
    )


def lands_on_dashboard(user) -> bool:
    """Cabinet members (who change nothing) land on the dashboard."""
    return has_role(user, Role.CABINET_MEMBER) and not has_role(
        user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR, Role.FORUM_MEMBER, Role.COUNCIL_OFFICER
    )


def responsible_partner_ids(action: StrategyAction) -> set[int]:
    """Ids of the partners responsible for an action, using prefetched rows when present."""
    cache = getattr(action, "_prefetched_objects_cache", {})
    if "responsible_partners" in cache:
        return {link.partner_id for link in cache["responsible_partners"]}
    return set(action.responsible_partners.values_list("partner_id", flat=True))


def units_answered_for(user: User) -> frozenset[int]:
    """The officer's council unit and every unit below it, computed once per request."""
    cached = getattr(user, "_units_cache", None)
    if cached is None:
        from .models import Partner

        cached = frozenset(Partner.objects.unit_and_descendant_ids(user.organisation_id))
        user._units_cache = cached
    return cached


# --- Fetching objects for a request ---------------------------------------------


def require_read_plan(user) -> None:
    if not can_read_plan(user):
        raise PermissionDenied("You have not been given a role in this service yet.")


def plan_reader_required(view):
    """A view for people who may read the plan: sign in first, then 403 without a role."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        require_read_plan(request.user)
        return view(request, *args, **kwargs)

    return login_required(guarded)


def check_can_update_action(user, action: StrategyAction) -> None:
    if not can_update_action(user, action):
        raise PermissionDenied("Only the organisations responsible for this action can update it.")


def check_can_record_council_input(user, council_action: CouncilAction) -> None:
    if not can_record_council_input(user, council_action):
        raise PermissionDenied(
            "Only officers of the council unit responsible for this action can record input."
        )


def check_can_record_decision(user, council_action: CouncilAction) -> None:
    if not can_record_decision(user, council_action):
        raise PermissionDenied(
            "Only officers of the council unit responsible for this action can record a decision."
        )


def check_can_add_council_action(user) -> None:
    if not can_add_council_action(user):
        raise PermissionDenied("Only council officers can add a proposed council action.")


def check_can_generate_report(user) -> None:
    if not can_generate_report(user):
        raise PermissionDenied("Only the Forum coordinator can generate the Cabinet report.")


def check_can_manage_rounds(user) -> None:
    if not can_manage_rounds(user):
        raise PermissionDenied("Only the Forum coordinator can manage monitoring rounds.")


# --- Milestones (issue 13) ---


def _is_council_action(action) -> bool:
    """A proposed council action (it has a responsible unit), rather than a strategy action."""
    return hasattr(action, "responsible_unit_id")


def _only_reads(user) -> bool:
    """Cabinet members read the plan and change nothing, whatever else they hold (bar admin)."""
    return has_role(user, Role.CABINET_MEMBER) and not is_administrator(user)


def can_manage_milestones(user: User, action: StrategyAction | CouncilAction) -> bool:
    """Add, change or remove an action's milestones, and choose whether its percent complete is
    taken from them: those who may post progress on it (its responsible partners, coordinators
    and administrators for a strategy action; officers of the unit or a unit above it for a
    proposed council action)."""
    if _only_reads(user):
        return False
    if _is_council_action(action):
        return can_record_council_input(user, action)
    return can_update_action(user, action)


def marks_any_milestone(user) -> bool:
    """The Forum coordinator and administrators mark any milestone done or not done."""
    return not _only_reads(user) and has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR)


def can_mark_milestone_done(user: User, milestone) -> bool:
    """Mark a milestone done, or not done again: a member of its owner organisation who may post
    progress on its action, the Forum coordinator, an administrator, and for a proposed council
    action an officer of its unit or a unit above it. Cabinet members never."""
    if marks_any_milestone(user):
        return True
    if _only_reads(user) or user.organisation_id is None:
        return False
    if milestone.council_action_id is not None:
        return can_record_council_input(user, milestone.council_action)
    return user.organisation_id == milestone.owner_id and can_update_action(
        user, milestone.strategy_action
    )


def check_can_manage_milestones(user, action) -> None:
    if not can_manage_milestones(user, action):
        raise PermissionDenied(
            "Only those who post progress on this action can change its milestones."
        )


def check_can_mark_milestone_done(user, milestone) -> None:
    if not can_mark_milestone_done(user, milestone):
        raise PermissionDenied(
            "Only the milestone's owner, the Forum coordinator or the responsible council "
            "unit's officers can mark it done."
        )


# --- Discussion on an action (issue 13) ----------------------------------------------------
# The thread of comments on a strategy action or a proposed council action (discussion/).


def can_read_discussion(user) -> bool:
    """The thread is part of the plan: everyone who may read the plan reads it."""
    return can_read_plan(user)


def can_comment(user) -> bool:
    """Comment on any action: everyone who may read the plan (the plan is shared, so another
    organisation's Forum member may ask too), except Cabinet members, who only read. A Cabinet
    member who also holds another role comments in that role."""
    return bool(roles(user) - {Role.CABINET_MEMBER})


def can_moderate_comments(user) -> bool:
    """Hide a comment (with a reason) or show it again: administrators."""
    return is_administrator(user)


def can_see_hidden_comment(user) -> bool:
    """A hidden comment's words and the reason it was hidden: administrators. Everyone else
    sees only that it was hidden, and when."""
    return is_administrator(user)


def check_can_comment(user) -> None:
    require_read_plan(user)
    if not can_comment(user):
        raise PermissionDenied("Cabinet members read the discussion but do not comment.")


def check_can_moderate_comments(user) -> None:
    if not can_moderate_comments(user):
        raise PermissionDenied("Only an administrator can hide a comment or show it again.")


# --- Evidence files (issue 13) ------------------------------------------------------------


def can_download_evidence(user, evidence_file) -> bool:
    """Download an evidence file: whoever may see the progress update or council input it
    belongs to (a draft's files its organisation, a submitted one's also its reviewers, an
    approved one's everyone who reads the plan). Anyone else is told "not found"."""
    return can_see_record(user, evidence_file.record)


def can_remove_evidence(user, evidence_file) -> bool:
    """Take a file off a draft or returned record: whoever may carry that record on (its
    organisation's people who may post on its action). Once submitted, files stay with it."""
    record = evidence_file.record
    if record.review_state not in STILL_WITH_ORGANISATION:
        return False
    if user.organisation_id is None or record.organisation_id != user.organisation_id:
        return False
    if evidence_file.progress_update_id:
        return can_update_action(user, record.strategy_action)
    return can_record_council_input(user, record.council_action)


# --- Indicators (issue 13) ----------------------------------------------------------------


def can_define_indicators(user) -> bool:
    """Define and change indicators and their targets: the Forum coordinator, council officers
    and administrators."""
    return has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR, Role.COUNCIL_OFFICER)


def can_record_indicator_value(user, indicator) -> bool:
    """Record a measured value: the organisation that measures the indicator (its Forum members;
    officers of that council unit or a unit above it), the coordinator and administrators."""
    if has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR):
        return True
    if user.organisation_id is None:
        return False
    if has_role(user, Role.FORUM_MEMBER) and user.organisation_id == indicator.owner_id:
        return True
    return has_role(user, Role.COUNCIL_OFFICER) and indicator.owner_id in units_answered_for(user)


def can_review_indicator_value(user, value) -> bool:
    """Approve or return a value: the coordinator and administrators, never their own."""
    return value.author_id != user.pk and reviews_forum_updates(user)


def indicator_values_to_review(user, values):
    """The submitted values a person may review (not their own)."""
    if not reviews_forum_updates(user):
        return values.none()
    return values.filter(review_state=SUBMITTED).exclude(author=user)


def can_see_indicator_value(user, value) -> bool:
    """An approved value is part of the plan; one not approved is seen by its organisation,
    its author, its reviewer and, while submitted, those who may review it."""
    if not can_read_plan(user):
        return False
    if value.review_state == APPROVED or user.pk in (value.author_id, value.reviewed_by_id):
        return True
    if user.organisation_id is not None and value.organisation_id == user.organisation_id:
        return True
    return value.review_state == SUBMITTED and can_review_indicator_value(user, value)


def check_can_define_indicators(user) -> None:
    if not can_define_indicators(user):
        raise PermissionDenied(
            "Only the Forum coordinator and council officers can define indicators."
        )


def check_can_record_indicator_value(user, indicator) -> None:
    if not can_record_indicator_value(user, indicator):
        raise PermissionDenied("Only the organisation that measures this indicator can record it.")


def check_can_review_indicator_values(user) -> None:
    """Approve several values at once: those who review values."""
    if not reviews_forum_updates(user):
        raise PermissionDenied("Only the Forum coordinator can review indicator values.")


def check_can_review_indicator_value(user, value) -> None:
    if not can_review_indicator_value(user, value):
        if value.author_id == user.pk:
            raise PermissionDenied("You cannot review your own value: another reviewer must.")
        raise PermissionDenied("Only the Forum coordinator can review indicator values.")


# --- Public site and open data (issue 14) --------------------------------------------------


def can_publish_strategy(user) -> bool:
    """Publish a strategy on the public site, or take it off: administrators only."""
    return is_administrator(user)


def check_can_publish_strategy(user) -> None:
    if not can_publish_strategy(user):
        raise PermissionDenied("Only an administrator can publish a strategy or unpublish it.")


# --- The API (issue 14) ----------------------------------------------------------------------
# api/ reads and writes through the rules above; these say what the API adds.


def reads_whole_plan(user) -> bool:
    """A caller who reads the whole plan (every strategy, and the records not yet approved that
    the rules above let them see). Anyone else, anonymous or signed in without a role, reads
    what the public site shows: published strategies' approved records, crediting organisations
    rather than people."""
    return can_read_plan(user)


def sees_people(user) -> bool:
    """Whether the API names the people who wrote a record: only to those who read the plan."""
    return can_read_plan(user)


def indicator_values_seen_by(user, values):
    """Of indicator values (every state), those not approved that the person may see: their own,
    their organisation's, and those waiting for them to review (as the indicator's page shows)."""
    pending = values.exclude(review_state=APPROVED)
    if not can_read_plan(user):
        return pending.none()
    seen = Q(author=user) | Q(pk__in=indicator_values_to_review(user, pending).values("pk"))
    if user.organisation_id is not None:
        seen |= Q(organisation_id=user.organisation_id)
    return pending.filter(seen)


def can_manage_api_tokens(user) -> bool:
    """Make and revoke one's own API tokens: everyone who may read the plan (Cabinet members
    too: their role reads, so their tokens only read)."""
    return can_read_plan(user)


def check_can_manage_api_tokens(user) -> None:
    if not can_manage_api_tokens(user):
        raise PermissionDenied("You have not been given a role in this service yet.")


# --- Spreadsheet import (issue 14) --------------------------------------------------------


def can_import_plan(user) -> bool:
    """Change the plan, or post progress in bulk, from a spreadsheet: the Forum coordinator
    and administrators."""
    return has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR)


def check_can_import_plan(user) -> None:
    if not can_import_plan(user):
        raise PermissionDenied(
            "Only the Forum coordinator and administrators can import from a spreadsheet."
        )


def imports_of(user, records):
    """The imports a person may see and confirm: any, for those who may import (the
    coordinator and administrators share the work); for anyone else none ("not found")."""
    return records if can_import_plan(user) else records.none()


# --- The council's duties: equality and social value (issue 15) ---------------------------


def can_edit_equality_assessment(user: User, action: StrategyAction | CouncilAction) -> bool:
    """Record an action's equality impact assessment: the Forum coordinator and administrators
    on any action; council officers on the proposed council actions they answer for. Cabinet
    members and Forum members read it."""
    if _only_reads(user):
        return False
    if has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR):
        return True
    return _is_council_action(action) and can_record_council_input(user, action)


def can_record_social_value(user: User, council_action: CouncilAction) -> bool:
    """Record the Social Value Act's considerations on a proposed council action: its unit's
    officers (those who record its input and decide on it) and administrators."""
    if _only_reads(user):
        return False
    return can_record_council_input(user, council_action)


def check_can_edit_equality_assessment(user, action) -> None:
    if not can_edit_equality_assessment(user, action):
        raise PermissionDenied(
            "Only the Forum coordinator, administrators and, on a proposed council action, the "
            "officers of its unit can record its equality impact assessment."
        )


def check_can_record_social_value(user, council_action: CouncilAction) -> None:
    if not can_record_social_value(user, council_action):
        raise PermissionDenied(
            "Only officers of the council unit responsible for this action can record its "
            "social value considerations."
        )


# --- The risk register (issue 15) ---------------------------------------------------------
# Risks to a strategy as a whole, to a strategy action or to a proposed council action
# (risks/). Everyone with a role reads the register; Cabinet members and Forum members only
# read it.


def can_manage_risks(user) -> bool:
    """Add, change and review risks at all: council officers, the Forum coordinator and
    administrators (a Cabinet member who also holds one of those roles only reads)."""
    if _only_reads(user):
        return False
    return has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR, Role.COUNCIL_OFFICER)


def can_manage_risk_on(user, council_action: CouncilAction | None = None) -> bool:
    """Add, change or review a risk to the strategy as a whole or to a strategy action (any of
    those who manage risks), or to a proposed council action `council_action`: the Forum
    coordinator, administrators and officers of its unit or a unit above it."""
    if not can_manage_risks(user):
        return False
    if council_action is None or has_role(user, Role.ADMINISTRATOR, Role.FORUM_COORDINATOR):
        return True
    return user.organisation_id is not None and (
        council_action.responsible_unit_id in units_answered_for(user)
    )


def can_manage_risk(user, risk) -> bool:
    """Change or review `risk` (the rules of can_manage_risk_on for what it belongs to)."""
    return can_manage_risk_on(user, risk.council_action if risk.council_action_id else None)


def check_can_manage_risks(user) -> None:
    if not can_manage_risks(user):
        raise PermissionDenied(
            "Only council officers and the Forum coordinator can add or change risks."
        )


def check_can_manage_risk(user, risk) -> None:
    check_can_manage_risks(user)
    if not can_manage_risk(user, risk):
        raise PermissionDenied(
            "Only officers of the council unit responsible for this action, and the Forum "
            "coordinator, can change or review its risks."
        )


# --- Data protection (issue 15) ---------------------------------------------------------------


def can_manage_personal_data(user) -> bool:
    """Find people, export what is held about them (subject access) and erase them:
    administrators only."""
    return is_administrator(user)


def check_can_manage_personal_data(user) -> None:
    if not can_manage_personal_data(user):
        raise PermissionDenied(
            "Only an administrator can export or erase what is held about a person."
        )
