from django.contrib import admin

from .models import PartnershipExample, Theme


class PartnershipExampleInline(admin.StackedInline):
    model = PartnershipExample
    fields = ("position", "text", "source", "paragraph")
    extra = 0


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "strategy", "number", "action_count", "paragraph")
    list_filter = ("strategy",)
    search_fields = ("title", "description")
    list_select_related = ("strategy",)
    # actions/admin.py adds the theme's strategy actions (that app sits above this one).
    inlines = [PartnershipExampleInline]

    @admin.display(description="strategy actions")
    def action_count(self, obj):
        return obj.actions.count()


@admin.register(PartnershipExample)
class PartnershipExampleAdmin(admin.ModelAdmin):
    list_display = ("theme", "position", "text", "paragraph")
    list_filter = ("theme__strategy", "theme")
    search_fields = ("text",)
    list_select_related = ("theme__strategy",)
