"""Moderation of the economy: read-only ledger, audited adjustments, faucet rules.

Balances and entries are never edited here; a correction is an
``Adjustment``, which moves coins through the ledger like everything else.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.moderation import user_admin_action_register
from casino_club.kit.admin import ReadOnlyAdminMixin
from casino_club.kit.errors import DomainError
from economy.gallery import admin as _gallery_admin  # noqa: F401 (registers its admins)
from economy.models import (
    Account,
    AccountKind,
    Adjustment,
    BonusClaim,
    EconomySettings,
    Entry,
    LedgerTransaction,
)
from economy.progression import admin as _progression_admin  # noqa: F401 (registers its admins)
from economy.selectors import economy_settings_forget
from economy.services import adjustment_make
from economy.shop import admin as _shop_admin  # noqa: F401 (shop, season pass, invites)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "code", "player", "shown_balance", "created_at"]
    list_filter = ["kind"]
    search_fields = ["code", "player__nickname", "player__email"]
    list_select_related = ["player"]

    def get_queryset(self, request):
        # System balances are derived from entries; one annotated query for the page.
        return super().get_queryset(request).annotate(entry_total=Sum("entries__amount"))

    @admin.display(description=_("balance"))
    def shown_balance(self, account):
        if account.kind == AccountKind.PLAYER:
            return account.balance
        return account.entry_total or 0


class EntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Entry
    fields = ["account", "amount", "balance_after", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "created_at", "kind", "reference", "actor", "reason"]
    list_filter = ["kind"]
    search_fields = ["reference", "reason", "entries__account__player__nickname"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "created_at", "account", "amount", "balance_after", "transaction"]
    search_fields = ["account__player__nickname", "account__code"]
    list_select_related = ["account", "transaction"]


@admin.register(BonusClaim)
class BonusClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "player", "kind", "local_date", "streak", "amount"]
    list_filter = ["kind"]
    search_fields = ["player__nickname", "player__email"]
    list_select_related = ["player"]


class AdjustmentForm(forms.ModelForm):
    """Validates by making the adjustment: the ledger decides if it is possible.

    The admin wraps the add view in a transaction, so the coins move only if
    the whole request succeeds; a refusal (say, a debit above the balance)
    comes back as a form error and nothing changes.
    """

    player = forms.ModelChoiceField(queryset=User.objects.order_by("nickname"))
    amount = forms.IntegerField(
        help_text=_("Positive credits the player, negative debits them. Never zero.")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Required. Players may see it in their history."),
    )

    class Meta:
        model = Adjustment
        fields = ["player", "amount", "reason"]

    def __init__(self, *args, moderator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.moderator = moderator

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.instance = adjustment_make(
                moderator=self.moderator,
                player=data["player"],
                amount=data["amount"],
                reason=data["reason"],
            )
        except DomainError as error:
            field = next(iter(error.fields), None)
            raise ValidationError(
                {field: error.message} if field in self.fields else error.message
            ) from error
        return data

    def save(self, commit=True):
        # adjustment_make already saved it; there is nothing many-to-many.
        self.save_m2m = lambda: None
        return self.instance


@admin.register(Adjustment)
class AdjustmentAdmin(admin.ModelAdmin):
    form = AdjustmentForm
    list_display = ["created_at", "player", "amount", "moderator", "reason", "transaction"]
    list_select_related = ["player", "moderator", "transaction"]
    search_fields = ["player__nickname", "moderator__nickname", "reason"]
    date_hierarchy = "created_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithModerator(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, moderator=request.user, **inner)

        return WithModerator

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["player", "amount", "reason"]
        return ["player", "amount", "reason", "moderator", "transaction", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        pass  # saved by adjustment_make in the form's validation

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@user_admin_action_register
@admin.action(description=_("Adjust coins (with a reason)"), permissions=["moderate"])
def adjust_coins(modeladmin, request, queryset):
    """From the user list to the adjustment form, the player filled in; the
    form (and its service) does the checking, the ledger move and the log."""
    if queryset.count() != 1:
        modeladmin.message_user(
            request, _("Choose exactly one player to adjust."), level=messages.WARNING
        )
        return None
    url = reverse("admin:economy_adjustment_add")
    return redirect(f"{url}?player={queryset.get().pk}")


@admin.register(EconomySettings)
class EconomySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "signup_grant", "refill_threshold", "refill_amount", "updated_at"]
    fields = [
        "signup_grant",
        "daily_ladder",
        "refill_threshold",
        "refill_amount",
        "refill_cooldown_hours",
    ]

    def has_add_permission(self, request):
        return not EconomySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)
        economy_settings_forget()
