from django.contrib import admin
from knox.models import AuthToken

from .models import ApiToken

# Knox registers its own token model, which is swapped for ApiToken here (it has no table).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see everyone's tokens (never the tokens themselves: only digests are
    kept) and may revoke one by deleting it; tokens are made by their owners only."""

    list_display = ("name", "user", "token_key", "created", "last_used_at", "expiry")
    list_select_related = ("user",)
    search_fields = ("name", "token_key", "user__username", "user__full_name")
    readonly_fields = ("name", "user", "token_key", "created", "last_used_at", "expiry")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
