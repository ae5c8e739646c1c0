from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import PlayerCreationForm
from accounts.models import Action, Broadcast, JobStatus, Notification, User
from accounts.notifications import broadcast_schedule
from accounts.services import player_register


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-created_at"]
    list_display = ["nickname", "email", "is_staff", "is_active", "created_at"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["nickname", "email"]
    readonly_fields = ["created_at", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["nickname", "date_of_birth", "time_zone"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["created_at", "last_login"]}),
    ]
    # Adding a user adds a player, the way signup does (see PlayerCreationForm).
    add_form = PlayerCreationForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "nickname",
                    "date_of_birth",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        player_register(
            user=obj,
            nickname=form.cleaned_data["nickname"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            source="admin",
        )


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "player", "type", "value"]
    list_filter = ["type"]
    search_fields = ["player__nickname", "player__email"]
    date_hierarchy = "created_at"
    list_select_related = ["player"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobStatus)
class JobStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "ok"]
    readonly_fields = ["name", "last_run_at", "ok", "detail"]

    def has_add_permission(self, request):
        return False


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    """Moderators compose messages here; saving schedules them through the service."""

    list_display = ["title", "audience", "player", "send_at", "sent_at", "recipients", "author"]
    list_filter = ["audience"]
    search_fields = ["title", "player__nickname"]
    autocomplete_fields = ["player"]
    fields = ["audience", "player", "title", "body", "url", "send_at"]
    readonly_fields: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # sent or scheduled messages are history, not drafts
            return [*self.fields, "sent_at", "recipients", "author"]
        return []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        broadcast = broadcast_schedule(
            author=request.user,
            audience=obj.audience,
            player=obj.player,
            title=obj.title,
            body=obj.body,
            url=obj.url,
            send_at=obj.send_at,
        )
        obj.pk = broadcast.pk
        obj.author = broadcast.author
        obj._state.adding = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "player", "kind", "title", "delivered_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["player__nickname", "title"]
    list_select_related = ["player"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
