from django.contrib import admin

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Imports as a record of who changed the plan from which file: read only."""

    list_display = ["file_name", "kind", "state", "uploaded_by", "uploaded_at", "applied_at"]
    list_filter = ["kind", "state"]
    exclude = ["data", "preview", "file"]
    readonly_fields = [
        "kind",
        "state",
        "file_name",
        "sha256",
        "size",
        "uploaded_by",
        "applied_at",
        "preview_digest",
        "counts",
        "error_count",
        "failure",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
