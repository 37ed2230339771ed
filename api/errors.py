"""Every error the API gives is JSON: `{"detail": "...", "errors": {"field": ["..."]}}`, the
field messages in plain English. DRF's own handler does the status codes and headers
(Retry-After for 429, WWW-Authenticate for 401); this gives them one shape and maps the
services' Django ValidationError (400) and PermissionDenied (403, with its message)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

INVALID = "There is a problem with what was sent: see each field's message."


def field_messages(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError's messages by field; those about no field under
    "non_field_errors" (DRF's name for them)."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's error detail as field -> messages (nested ones joined by dots)."""
    if isinstance(detail, dict):
        found = {}
        for name, value in detail.items():
            inner = _flatten(value)
            if isinstance(value, dict):
                found.update({f"{name}.{key}": msgs for key, msgs in inner.items()})
            else:
                found[str(name)] = inner.get("non_field_errors", [])
        return found
    if isinstance(detail, list):
        messages = []
        for item in detail:
            if isinstance(item, dict | list):
                messages += [m for msgs in _flatten(item).values() for m in msgs]
            else:
                messages.append(str(item))
        return {"non_field_errors": messages}
    return {"non_field_errors": [str(detail)]}


def handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_messages(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a fault: Django's 500
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": INVALID, "errors": _flatten(exc.detail)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    else:
        response.data = {"detail": str(response.data)}
    return response


def conflict(detail: str, **state) -> Response:
    """409: the record changed since the caller read it; `state` is where it stands now."""
    return Response({"detail": detail, **state}, status=status.HTTP_409_CONFLICT)
