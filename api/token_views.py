"""Personal API tokens: a person lists, creates and revokes their own (GOV.UK pages, POST forms,
a confirmation before revoking). The token is shown once, on the page that creates it; only its
digest is kept (django-rest-knox)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import check_can_manage_api_tokens, plan_reader_required

from .forms import TokenForm
from .models import ApiToken

#: How much of a token's digest names it in its revoke page's address.
KEY_LENGTH = 32


@require_http_methods(["GET", "POST"])
@plan_reader_required
def tokens(request: HttpRequest) -> HttpResponse:
    check_can_manage_api_tokens(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.objects.make(user=request.user, name=form.cleaned_data["name"])
        # Rendered, not redirected: the token is in this one response (never stored by a
        # cache: signed-in pages are private, no-store) and nowhere else.
        return render(request, "api/token_created.html", {"token": token, "secret": secret})
    context = {"form": form, "tokens": ApiToken.objects.of(request.user), "key_length": KEY_LENGTH}
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


def _own(request: HttpRequest, key: str) -> ApiToken:
    if len(key) != KEY_LENGTH or not all(c in "0123456789abcdef" for c in key):
        raise Http404("No such token")
    token = ApiToken.objects.of(request.user).filter(token__digest__startswith=key).first()
    if token is None:
        raise Http404("No such token")
    return token


@require_http_methods(["GET", "POST"])
@plan_reader_required
def revoke(request: HttpRequest, key: str) -> HttpResponse:
    check_can_manage_api_tokens(request.user)
    token = _own(request, key)
    if request.method == "POST":
        name = token.name
        token.revoke()  # it stops at once: the next request with it is refused
        messages.success(request, f"The token “{name}” has been revoked. It no longer works.")
        return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token})
