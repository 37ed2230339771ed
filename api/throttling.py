"""Throttles: per token (or per signed-in person on the browser's session), per address, and
writes per caller. Their rates are read from settings.API_THROTTLE_RATES on each request (DRF's
own throttles read theirs once, at import), counted in the default cache. A throttled caller
gets 429 with Retry-After (DRF's handler sets it)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.addresses import client_address


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


def _caller(request) -> str | None:
    """Who is calling: the token (each counted on its own), else the signed-in person."""
    if not request.user.is_authenticated:
        return None
    digest = getattr(request.auth, "digest", None)
    return f"token-{digest[:40]}" if digest else f"user-{request.user.pk}"


class CallerThrottle(_Throttle):
    scope = "caller"

    def get_cache_key(self, request, view):
        caller = _caller(request)
        return self.cache_format % {"scope": self.scope, "ident": caller} if caller else None


class AddressThrottle(_Throttle):
    scope = "address"

    def get_cache_key(self, request, view):
        address = client_address(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": address}


class WriteThrottle(_Throttle):
    scope = "writes"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        caller = _caller(request) or f"address-{client_address(request) or 'unknown'}"
        return self.cache_format % {"scope": self.scope, "ident": caller}
