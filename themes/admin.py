from django.contrib import admin

from actions.models import StrategyAction

from .models import PartnershipExample, Theme


class PartnershipExampleInline(admin.StackedInline):
    model = PartnershipExample
    fields = ("position", "text", "source", "paragraph")
    extra = 0


class StrategyActionInline(admin.TabularInline):
    model = StrategyAction
    fields = ("position", "reference", "text", "status", "percent_complete")
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "strategy", "number", "action_count", "paragraph")
    list_filter = ("strategy",)
    search_fields = ("title", "description")
    list_select_related = ("strategy",)
    inlines = [StrategyActionInline, PartnershipExampleInline]

    @admin.display(description="strategy actions")
    def action_count(self, obj):
        return obj.actions.count()


@admin.register(PartnershipExample)
class PartnershipExampleAdmin(admin.ModelAdmin):
    list_display = ("theme", "position", "text", "paragraph")
    list_filter = ("theme__strategy", "theme")
    search_fields = ("text",)
    list_select_related = ("theme__strategy",)
