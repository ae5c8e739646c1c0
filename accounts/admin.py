from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.abuse import SHARED_DEVICE, SHARED_IP, accounts_sharing, with_shared
from accounts.admin_actions import ReasonForm, moderation_action
from accounts.age.admin import age_verification_summary
from accounts.audiences import audience_choices, segment_check
from accounts.forms import PlayerCreationForm
from accounts.models import (
    Action,
    ActionDaily,
    Broadcast,
    JobStatus,
    ModeratorAction,
    Notification,
    PlayDay,
    PlaySettings,
    User,
)
from accounts.moderation import (
    can_moderate,
    is_staff_account,
    player_notify,
    player_reinstate,
    player_suspend,
    user_admin_actions,
)
from accounts.notifications import broadcast_schedule
from accounts.services import player_register
from casino_club.kit.admin import ReadOnlyAdminMixin
from casino_club.kit.errors import DomainError

# The factory's name before it moved to accounts.admin_actions.
_moderation_action = moderation_action


class NotifyForm(ReasonForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Message"), max_length=2000, required=False, widget=forms.Textarea
    )


suspend_players = moderation_action(
    name="suspend_players",
    description=_("Suspend the selected players"),
    title=_("Suspend players"),
    form_class=ReasonForm,
    perform=lambda actor, player, data: player_suspend(
        actor=actor, player=player, reason=data["reason"]
    ),
)
reinstate_players = moderation_action(
    name="reinstate_players",
    description=_("Reinstate the selected players"),
    title=_("Reinstate players"),
    form_class=ReasonForm,
    perform=lambda actor, player, data: player_reinstate(
        actor=actor, player=player, reason=data["reason"]
    ),
)
notify_players = moderation_action(
    name="notify_players",
    description=_("Send the selected players a notification"),
    title=_("Send a notification"),
    form_class=NotifyForm,
    perform=lambda actor, player, data: player_notify(
        actor=actor, player=player, title=data["title"], body=data["body"], reason=data["reason"]
    ),
)


class SharesWithFilter(admin.SimpleListFilter):
    """Accounts that signed up or signed in on another account's device or
    network (docs/safety.md, "Abuse cases")."""

    title = _("shares device with")
    parameter_name = "shares"

    def lookups(self, request, model_admin):
        return [
            (SHARED_DEVICE, _("another account's device")),
            (SHARED_IP, _("another account's network")),
        ]

    def queryset(self, request, queryset):
        if self.value() in (SHARED_DEVICE, SHARED_IP):
            return with_shared(queryset, self.value())
        return queryset


SHARES_LIST_LIMIT = 20


def _shares_with(obj, kind: str):
    others = list(accounts_sharing(player=obj, kind=kind)[: SHARES_LIST_LIMIT + 1])
    if not others:
        return "-"
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:accounts_user_change", args=[other.pk]), other.nickname)
            for other in others[:SHARES_LIST_LIMIT]
        ),
    )
    more = "" if len(others) <= SHARES_LIST_LIMIT else format_html(" …")
    return format_html("{}{}", links, more)


class PlayersOnlyChangeList(ChangeList):
    """The user list as a moderator sees it: players only, never staff."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "N results (M total)" would count the staff accounts left out.
        self.show_full_result_count = False

    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .filter(is_staff=False, is_superuser=False)
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Superusers manage every account here, staff included. Anyone else
    (moderators) sees players read-only, without password, staff, superuser,
    group or permission fields, and acts on them only through the audited
    actions; staff accounts and every password page are superuser-only."""

    ordering = ["-created_at"]
    list_display = ["nickname", "email", "is_staff", "is_active", "created_at"]
    list_filter = ["is_staff", "is_active", "groups", SharesWithFilter]
    search_fields = ["nickname", "email"]
    readonly_fields = [
        "created_at",
        "last_login",
        "age_verification_state",
        "shares_device_with",
        "shares_network_with",
    ]
    actions = [suspend_players, reinstate_players, notify_players]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "nickname",
                    "date_of_birth",
                    "age_verification_state",
                    "time_zone",
                    "language",
                ]
            },
        ),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["created_at", "last_login"]}),
        (_("Other accounts"), {"fields": ["shares_device_with", "shares_network_with"]}),
    ]
    moderator_fieldsets = [
        (
            _("Profile"),
            {
                "fields": [
                    "email",
                    "nickname",
                    "date_of_birth",
                    "age_verification_state",
                    "time_zone",
                    "language",
                ]
            },
        ),
        (_("Status"), {"fields": ["is_active"]}),
        (_("Dates"), {"fields": ["created_at", "last_login"]}),
        (_("Other accounts"), {"fields": ["shares_device_with", "shares_network_with"]}),
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

    @admin.display(description=_("Age verification"))
    def age_verification_state(self, obj):
        return age_verification_summary(obj)

    @admin.display(description=_("Shares device with"))
    def shares_device_with(self, obj):
        return _shares_with(obj, SHARED_DEVICE)

    @admin.display(description=_("Shares network with"))
    def shares_network_with(self, obj):
        return _shares_with(obj, SHARED_IP)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        player_register(
            user=obj,
            nickname=form.cleaned_data["nickname"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            source="admin",
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.moderator_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            # Even with change_user, a non-superuser edits nothing by hand:
            # status changes go through the audited actions.
            return [
                field for _name, options in self.moderator_fieldsets for field in options["fields"]
            ]
        return super().get_readonly_fields(request, obj)

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return ["is_active", SharesWithFilter]

    def get_changelist(self, request, **kwargs):
        if request.user.is_superuser:
            return super().get_changelist(request, **kwargs)
        return PlayersOnlyChangeList

    def _get_base_actions(self):
        # Django's one hook for the action list; the registered actions then
        # pass through the same permission filter as the ones above.
        registered = [self.get_action(action) for action in user_admin_actions()]
        return [*super()._get_base_actions(), *registered]

    def has_moderate_permission(self, request):
        return can_moderate(request.user)

    def _may_touch(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or not is_staff_account(obj)

    def has_view_permission(self, request, obj=None):
        return self._may_touch(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_touch(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_touch(request, obj) and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is taking over their account.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(ModeratorAction)
class ModeratorActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The moderation log, read-only for everyone (superusers included)."""

    list_display = ["created_at", "actor", "action", "target_label", "reason"]
    list_filter = ["action"]
    search_fields = ["actor__nickname", "target_label", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    fields = ["created_at", "actor", "action", "target", "target_label", "reason", "details"]
    readonly_fields = fields


@admin.register(Action)
class ActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "player", "type", "value"]
    list_filter = ["type"]
    search_fields = ["player__nickname", "player__email"]
    date_hierarchy = "created_at"
    list_select_related = ["player"]


@admin.register(ActionDaily)
class ActionDailyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What pruned days of the log held (accounts.retention), read-only for everyone."""

    list_display = ["day", "type", "count", "players", "value_sum"]
    list_filter = ["type"]
    date_hierarchy = "day"


@admin.register(JobStatus)
class JobStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "ok"]
    readonly_fields = ["name", "last_run_at", "ok", "detail"]

    def has_add_permission(self, request):
        return False


class BroadcastForm(forms.ModelForm):
    """The segment is one of the audiences other apps registered; checked like the service does."""

    class Meta:
        model = Broadcast
        fields = ["audience", "player", "segment", "title", "body", "url", "send_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "segment" in self.fields:
            self.fields["segment"] = forms.ChoiceField(
                choices=[("", "—"), *audience_choices()],
                required=False,
                label=_("Segment"),
                help_text=_("For a segment message. Only players who opted in to news get it."),
            )

    def clean(self):
        data = super().clean()
        try:
            data["segment"] = segment_check(
                audience=data.get("audience", ""),
                segment=data.get("segment", ""),
                url=data.get("url", ""),
            )
        except DomainError as error:
            for field, messages in error.fields.items():
                self.add_error(field if field in self.fields else None, messages)
            if not error.fields:
                raise forms.ValidationError(error.message) from None
        return data


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    """Moderators compose messages here; saving schedules them through the service."""

    form = BroadcastForm
    list_display = ["title", "audience", "segment", "player", "send_at", "sent_at", "recipients"]
    list_filter = ["audience"]
    search_fields = ["title", "player__nickname"]
    autocomplete_fields = ["player"]
    fields = ["audience", "player", "segment", "title", "body", "url", "send_at"]
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
            segment=obj.segment,
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


@admin.register(PlaySettings)
class PlaySettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Limits, breaks and sessions: moderators see them and can change none (a break
    is never shortened by anyone; only the player sets limits, see docs/safety.md)."""

    list_display = ["player", "exclusion_kind", "exclusion_until", "wager_limit", "minutes_limit"]
    list_filter = ["exclusion_kind"]
    search_fields = ["player__email", "player__nickname"]
    list_select_related = ["player"]


@admin.register(PlayDay)
class PlayDayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["player", "day", "rounds", "wagered", "paid_out", "seconds"]
    search_fields = ["player__email", "player__nickname"]
    list_select_related = ["player"]
    date_hierarchy = "day"
