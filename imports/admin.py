from django.contrib import admin

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "state", "uploaded_by", "uploaded_at", "applied_at"]
    list_filter = ["kind", "state"]
    exclude = ["data"]
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
    ]

    def has_add_permission(self, request):
        return False
