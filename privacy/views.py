"""The privacy notice (anyone) and the administrators' pages for subject access and erasure."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from govuk.pagination import paginate

from . import retention, services
from .forms import EraseForm, FindPersonForm

User = get_user_model()


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice: open to everyone, signed in or not."""
    context = {
        "periods": retention.periods(),
        "contact": settings.PRIVACY_CONTACT_EMAIL,
        "session_hours": settings.SESSION_MAX_AGE // 3600,
        "api_token_days": settings.REST_KNOX["TOKEN_TTL"].days
        if settings.REST_KNOX.get("TOKEN_TTL")
        else None,
    }
    return render(request, "privacy/notice.html", context)


def _administrators_only(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        permissions.check_can_manage_personal_data(request.user)
        return view(request, *args, **kwargs)

    return login_required(checked)


def _person(pk: int):
    # An id too large for the database is nobody (the URL converter lets any digits through).
    if pk > 2**63 - 1:
        pk = 0
    return get_object_or_404(User.objects.select_related("organisation"), pk=pk)


@require_safe
@_administrators_only
def people(request: HttpRequest) -> HttpResponse:
    """Everyone with an account, found by name, username, email address or organisation."""
    form = FindPersonForm(request.GET or None)
    found = User.objects.select_related("organisation").order_by("full_name", "username")
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        found = found.filter(
            Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    paged = paginate(request, found)
    context = {"form": form, "query": query, "page": paged.page, "pagination_query": paged.query}
    return render(request, "privacy/people.html", context)


@require_safe
@_administrators_only
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """What is held about one person, with the buttons to download it and to erase them."""
    someone = _person(pk)
    context = {
        "person": someone,
        "held": services.what_is_held(someone),
        "erasure": services.erasure_of(someone),
        "is_self": someone.pk == request.user.pk,
    }
    return render(request, "privacy/person.html", context)


@require_safe
@_administrators_only
def export(request: HttpRequest, pk: int) -> FileResponse:
    """Everything held about the person, as a zip of JSON files (subject access)."""
    someone = _person(pk)
    archive = services.export(person=someone, by=request.user)
    filename = f"what-we-hold-account-{someone.pk}-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(
        archive, as_attachment=True, filename=filename, content_type="application/zip"
    )


@require_http_methods(["GET", "POST"])
@_administrators_only
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase a person, after the administrator types the word to confirm."""
    someone = _person(pk)
    try:
        services.check_can_erase(person=someone, by=request.user)
        refusal = ""
    except services.ErasureRefused as refused:
        refusal = str(refused)
    form = EraseForm(request.POST or None, refusal=refusal)
    if request.method == "POST" and form.is_valid():
        try:
            erasure = services.erase(person=someone, by=request.user)
        except services.ErasureRefused as refused:  # erased by someone else meanwhile
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Account {erasure.account_id} has been erased. Their records are now credited "
                "to their organisation.",
            )
            return redirect("privacy_person", pk=someone.pk)
    context = {
        "person": someone,
        "form": form,
        "refusal": refusal,
        "held": services.what_is_held(someone),
    }
    return render(request, "privacy/erase.html", context, status=400 if form.errors else 200)
