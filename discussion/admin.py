from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Comment, DigestLog


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    """Comments are read here; an administrator may hide one by giving a reason, or show it
    again by clearing the reason. Everything else stays as the author posted it."""

    list_display = ("created_at", "subject_reference", "author", "organisation", "is_hidden")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter),)
    search_fields = ("body", "author__full_name", "author__username")
    list_select_related = ("author", "organisation", "strategy_action", "council_action")
    date_hierarchy = "created_at"
    fields = (
        "strategy_action",
        "council_action",
        "author",
        "organisation",
        "created_at",
        "body",
        "hidden_reason",
        "hidden_at",
        "hidden_by",
    )
    readonly_fields = (
        "strategy_action",
        "council_action",
        "author",
        "organisation",
        "created_at",
        "body",
        "hidden_at",
        "hidden_by",
    )

    @admin.display(description="action")
    def subject_reference(self, comment):
        return comment.subject.reference

    @admin.display(boolean=True, description="hidden")
    def is_hidden(self, comment):
        return comment.is_hidden

    def has_add_permission(self, request):
        return False  # comments are posted on the action's page

    def save_model(self, request, obj, form, change):
        """A reason typed hides the comment; a reason cleared shows it again (services)."""
        reason = obj.hidden_reason.strip()
        stored = Comment.objects.get(pk=obj.pk)
        try:
            if reason and not stored.is_hidden:
                services.hide_comment(comment=stored, hidden_by=request.user, reason=reason)
            elif not reason and stored.is_hidden:
                services.unhide_comment(comment=stored, shown_by=request.user)
            elif reason and reason != stored.hidden_reason:
                obj.hidden_reason = reason
                obj._history_user = request.user
                obj.full_clean()
                obj.save()
        except ValidationError as error:  # pragma: no cover - the form has checked the reason
            self.message_user(request, "; ".join(error.messages), level="error")


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ("recipient", "sent_on", "sent_at", "comment_count")
    list_filter = ("sent_on",)
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False  # written only by the digest command

    def has_change_permission(self, request, obj=None):
        return False
