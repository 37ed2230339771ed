from django.contrib import admin

from .models import PublicationEvent


@admin.register(PublicationEvent)
class PublicationEventAdmin(admin.ModelAdmin):
    """Who published or unpublished each strategy, and when: a record, read only. Publishing is
    done on the strategy's publish page (/strategies/<slug>/publish/)."""

    list_display = ["strategy", "kind", "at", "by"]
    list_filter = ["kind", "strategy"]
    list_select_related = ["strategy", "by"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
