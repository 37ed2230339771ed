from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import services
from .forms import InviteForm
from .models import Partner, User


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "parent", "is_active", "paragraph")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "description")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "organisation", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "organisation__kind")
    search_fields = ("username", "full_name", "email", "organisation__name")
    ordering = ("full_name", "username")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal details", {"fields": ("full_name", "email", "organisation")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_form = InviteForm
    add_fieldsets = (
        (
            None,
            {
                "fields": ("full_name", "email", "username", "organisation", "role"),
                "description": (
                    "The person will get an email with a link to set their own password."
                ),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        services.invite_user(
            user=obj, role=form.cleaned_data["role"], base_url=request.build_absolute_uri("/")
        )

    def save_related(self, request, form, formsets, change):
        if change:  # The invitation already set the new person's role.
            super().save_related(request, form, formsets, change)
