from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Action, JobStatus, User


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
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "nickname", "password1", "password2"],
            },
        )
    ]


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
