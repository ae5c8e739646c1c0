"""The player's own data, two interfaces over accounts/privacy.py: the API
(``GET /api/users/me/export``, ``POST /api/users/me/delete``) and the pages
(the profile's download button, ``/profile/delete/`` with its confirmation)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import privacy
from casino_club.kit.api_fields import StrictCharField
from casino_club.kit.errors import DomainError


def export_response(player) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        privacy.account_export(player=player), content_type="application/json; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="casino-club-data-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


class ExportView(APIView):
    """Download everything the site holds about the caller, as one JSON object.

    Sections: ``profile`` and one list per kind of row (rounds, ledger
    entries, missions, notifications, inventory, the pass, invites, XP
    grants, actions...). Streamed; only the caller's own rows."""

    @extend_schema(operation_id="users_me_export", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return export_response(request.user)


class DeleteView(APIView):
    """Close the caller's account for good (docs/safety.md).

    ``password`` is required when the account has one; an account without a
    password (social sign-in only) sends ``confirmation: "DELETE"``; with an
    authenticator app, also its current ``code``. Staff accounts: 403. Wrong
    password or code: 400, nothing changed. Success: 204, signed out."""

    class InputSerializer(serializers.Serializer):
        password = StrictCharField(max_length=4096, required=False, default="", allow_blank=True)
        code = StrictCharField(max_length=20, required=False, default="", allow_blank=True)
        confirmation = StrictCharField(max_length=20, required=False, default="", allow_blank=True)

    @extend_schema(operation_id="users_me_delete", request=InputSerializer, responses={204: None})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        privacy.account_delete(player=request.user, **data.validated_data)
        logout(request._request)
        return Response(status=204)


class DeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput, required=False
    )
    code = forms.CharField(
        label=gettext_lazy("Authenticator code"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirmation = forms.CharField(
        label=gettext_lazy("Type DELETE to confirm"), required=False, max_length=20
    )
    understood = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account, my coins and my progress are gone for good."
        ),
        required=True,
    )

    def __init__(self, *args, player, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not privacy.deletion_needs_password(player):
            del self.fields["password"]
        else:
            del self.fields["confirmation"]
        if not privacy.deletion_needs_code(player):
            del self.fields["code"]


@login_required
def export_download(request):
    return export_response(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def delete_page(request):
    form = DeleteForm(request.POST or None, player=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.account_delete(
                player=request.user,
                password=form.cleaned_data.get("password", ""),
                code=form.cleaned_data.get("code", ""),
                confirmation=form.cleaned_data.get("confirmation", ""),
            )
        except DomainError as error:
            for field, problems in error.fields.items():
                form.add_error(field if field in form.fields else None, problems)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Goodbye."))
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/delete_account.html", {"form": form}, status=status)
