"""Sign in with an email address or a username; administrators hold every permission."""

from django.contrib.auth.backends import ModelBackend

from .models import User
from .permissions import is_administrator

# No username (150) or email address (254) is longer: anything longer is nobody's.
LONGEST_LOGIN = 254


def find_user(login: str) -> User | None:
    """The account a sign-in name refers to: a username first, else an email address."""
    login = (login or "").strip()
    if not login or len(login) > LONGEST_LOGIN:
        return None
    return (
        User.objects.filter(username=login).first()
        or User.objects.filter(email__iexact=login).first()
    )


def throttle_key(request, credentials) -> str:
    """The name django-axes counts failures against.

    An email address and its username count as one, so an attacker cannot get
    twice the guesses by switching between them.
    """
    login = ((credentials or {}).get("username") or "").strip()
    user = find_user(login)
    # django-axes stores the name in a 255-character column.
    return user.username if user else login.lower()[:255]


class TrackerBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Do the work of a password check anyway, so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def has_perm(self, user_obj, perm, obj=None):
        # The Administrator role is the product's "everything" (Django admin included).
        if user_obj.is_active and is_administrator(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and is_administrator(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)
