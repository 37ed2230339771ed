from django.contrib import admin
from knox.models import AuthToken

from .models import ApiToken

# Knox's own admin would let an administrator make a token for someone else: tokens are made
# by their owners only, on their API tokens page.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see everyone's tokens (never the tokens themselves: only digests are
    kept) and may revoke one by deleting it."""

    list_display = ("name", "owner", "token_key", "created", "last_used_at", "expiry")
    list_select_related = ("token__user",)
    search_fields = ("name", "token__token_key", "token__user__username")
    readonly_fields = ("name", "owner", "token_key", "created", "last_used_at", "expiry")
    fields = readonly_fields

    @admin.display(description="owner")
    def owner(self, obj):
        return obj.user

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        obj.revoke()

    def delete_queryset(self, request, queryset):
        AuthToken.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))).delete()
