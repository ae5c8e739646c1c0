"""Response headers Django's SecurityMiddleware does not send.

``Permissions-Policy`` turns off browser features the site never uses, so a
script injected into a page (or a framed third party) cannot ask for the
camera, the microphone or the position either. WebAuthn (``publickey-
credentials-get``) and fullscreen stay at the browser's default, allowed
for the site's own origin. The value is ``settings.PERMISSIONS_POLICY``;
empty sends nothing.
"""

from __future__ import annotations

from django.conf import settings

# The features a casino page has no use for; payment above all (no payment code at all).
DEFAULT_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response
