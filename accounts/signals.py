"""Log sign-ins, successful and failed, without passwords."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .addresses import client_address


def _address(request) -> str:
    return client_address(request) or "unknown"


logger = logging.getLogger("accounts.security")


@receiver(user_logged_in)
def log_sign_in(sender, request, user, **kwargs):
    logger.info("Sign-in succeeded: user=%s address=%s", user.username, _address(request))


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    # Only the name tried is logged; Django has already masked the password.
    logger.warning(
        "Sign-in failed: username=%r address=%s", credentials.get("username"), _address(request)
    )


@receiver(user_logged_out)
def log_sign_out(sender, request, user, **kwargs):
    if user is not None:
        logger.info("Signed out: user=%s address=%s", user.username, _address(request))
