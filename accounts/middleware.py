"""An absolute limit on how long a session lasts after signing in.

Django gives the idle limit (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST)
but no absolute one. The maintained packages that add timeouts
(django-session-security) do it in the browser with JavaScript, and pages here
must work without it, so this is a few lines of our own.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control

SIGNED_IN_AT = "signed_in_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_MAX_AGE:
                logout(request)
                messages.info(request, "You have been signed out for your security. Sign in again.")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Pages and exports for a signed-in person are theirs alone: no shared cache (a proxy's
    or the browser's back button on a shared computer) may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A public page (issue 14: publication/middleware.py) is the same for everyone.
        if getattr(response, "is_public", False):
            return response
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
