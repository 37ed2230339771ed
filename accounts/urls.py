"""Sign in, sign out and password pages: Django's own views with GOV.UK forms and templates."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import forms


def form_page(title, **extra):
    return {"template_name": "accounts/form_page.html", "extra_context": {"title": title, **extra}}


urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=forms.LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.PasswordChangeForm, **form_page("Change your password")
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Your password has been changed",
                "message": "You are still signed in here. Any other sessions have been signed out.",
            },
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PasswordResetForm,
            success_url=reverse_lazy("password_reset_done"),
            **form_page(
                "Reset your password",
                intro="Enter the email address of your account. "
                "We will send you a link to set a new password.",
            ),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Check your email",
                "message": "If an account uses that address, we have sent it a link to set a "
                "new password. The link works once.",
            },
        ),
        name="password_reset_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm,
            template_name="accounts/set_password.html",
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Your password has been set",
                "message": "You can now sign in with it.",
                "sign_in_link": True,
            },
        ),
        name="password_reset_complete",
    ),
]
