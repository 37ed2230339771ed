from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from simple_history.admin import SimpleHistoryAdmin

from .models import EvidenceFile


@admin.register(EvidenceFile)
class EvidenceFileAdmin(SimpleHistoryAdmin):
    """Files arrive through the progress forms; here an administrator marks one public, or
    deletes one uploaded by mistake (its stored copy goes with it)."""

    list_display = ["name", "record", "content_type", "size_shown", "uploaded_by", "uploaded_at"]
    list_filter = ["is_public", "content_type"]
    search_fields = ["name"]
    list_select_related = [
        "progress_update__strategy_action",
        "council_input__council_action",
        "uploaded_by",
    ]
    fields = [
        "name",
        "progress_update",
        "council_input",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "is_public",
    ]
    readonly_fields = [f for f in fields if f != "is_public"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="size")
    def size_shown(self, evidence):
        return filesizeformat(evidence.size)
