from django.contrib import admin

from .models import Erasure


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    """Erasures are recorded by the service (privacy/services.py), never edited."""

    list_display = ("account_id", "erased_at", "erased_by")
    readonly_fields = ("account_id", "erased_at", "erased_by", "counts")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
