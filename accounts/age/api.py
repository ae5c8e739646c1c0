"""``/api/users/me/verify-age``: the caller's age verification status, and the attestation."""

from __future__ import annotations

import re
from datetime import date

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.age.client_ip import client_ip
from accounts.age.selectors import AgeStatus, age_verification_status
from accounts.services import age_verify

# Years 1900 to 2099, as the signup gate allows (earlier is no real date of
# birth): in the schema too, so a well-formed date the schema allows is never
# a 400; a later one is refused by the service as too young.
BIRTH_DATE = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class StrictDateField(serializers.DateField):
    """A calendar day written exactly ``YYYY-MM-DD`` (no "2000-1-1", no times, no numbers)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(BIRTH_DATE, data):
            self.fail("invalid", format="YYYY-MM-DD, from 1900")
        try:
            return date.fromisoformat(data)
        except ValueError:
            self.fail("invalid", format="YYYY-MM-DD, from 1900")


extend_schema_field({"type": "string", "format": "date", "pattern": BIRTH_DATE})(StrictDateField)


class VerifyAgeView(APIView):
    """The caller's age verification: a self-attested date of birth that must
    equal the one given at signup, recorded with the time and the client's IP.

    Mature content needs a standing verification and an age of at least
    ``mature_min_age`` on the player's own local date: a verified player who
    is younger sees ``mature_allowed: false`` and ``mature_allowed_from``.
    """

    class AttestationInputSerializer(serializers.Serializer):
        date_of_birth = StrictDateField(help_text="YYYY-MM-DD; the date given at signup.")

    class AgeStatusSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=AgeStatus.choices)
        verified_at = serializers.DateTimeField(allow_null=True)
        revoked_at = serializers.DateTimeField(allow_null=True)
        mature_allowed = serializers.BooleanField()
        mature_min_age = serializers.IntegerField()
        mature_allowed_from = serializers.DateField(
            allow_null=True,
            help_text="Verified but younger than mature_min_age: the day mature content opens.",
        )

    @extend_schema(responses=AgeStatusSerializer)
    def get(self, request):
        return Response(self.AgeStatusSerializer(age_verification_status(player=request.user)).data)

    @extend_schema(request=AttestationInputSerializer, responses={201: AgeStatusSerializer})
    def post(self, request):
        """Attest the caller's date of birth. 400 a malformed date (``invalid``),
        403 under the site's minimum age or in the future (``too_young``) or
        revoked by a moderator (``verification_revoked``), 409 not the signup
        date (``date_of_birth_mismatch``) or already verified
        (``already_verified``). Nothing changes on an error."""
        serializer = self.AttestationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        age_verify(
            player=request.user,
            date_of_birth=serializer.validated_data["date_of_birth"],
            ip_address=client_ip(request),
        )
        data = self.AgeStatusSerializer(age_verification_status(player=request.user)).data
        return Response(data, status=status.HTTP_201_CREATED)
