"""The gallery page, its no-JavaScript unlock form, and the one view that serves stage images.

``gallery_media`` is the only way a stage image leaves the server: it answers
the file when the caller has unlocked that stage of an item they may see, and
one identical 404 for everything else (locked, unknown, hidden, another
player's, anonymous). The original has no URL at all.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from casino_club.kit.errors import DomainError
from economy.gallery import selectors, services
from economy.gallery.derive import CONTENT_TYPE
from economy.gallery.labels import condition_text
from economy.selectors import player_balance

NOT_FOUND_BODY = b"Not found.\n"


def _not_found() -> HttpResponse:
    response = HttpResponse(NOT_FOUND_BODY, status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def _file_response(path) -> HttpResponse:
    mode = settings.GALLERY_SENDFILE
    root = Path(settings.GALLERY_MEDIA_ROOT).resolve()
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=CONTENT_TYPE)
        relative = path.relative_to(root).as_posix()
        response["X-Accel-Redirect"] = settings.GALLERY_SENDFILE_PREFIX.rstrip("/") + "/" + relative
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=CONTENT_TYPE)
        response["X-Sendfile"] = str(path)
    else:
        response = FileResponse(path.open("rb"), content_type=CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Vary"] = "Cookie, Authorization"
    return response


class GalleryMediaView(APIView):
    """A stage image, for the browser's session or an app's JWT alike.

    Not in the API schema: it answers image bytes or the plain 404, never JSON
    (a forged token is the API's usual 401).
    """

    permission_classes = [AllowAny]
    thumb = False

    @extend_schema(exclude=True)
    def get(self, request, item_id: int, stage: int):
        if not request.user.is_authenticated:
            return _not_found()
        path = selectors.media_file(
            player=request.user, item_id=item_id, stage=stage, thumb=self.thumb
        )
        if path is None:
            return _not_found()
        return _file_response(path)


gallery_media = GalleryMediaView.as_view()
gallery_media_thumb = GalleryMediaView.as_view(thumb=True)


def _collections(states):
    groups: list[dict] = []
    for state in states:
        collection = state.item.collection
        if not groups or groups[-1]["collection"].pk != collection.pk:
            groups.append({"collection": collection, "entries": []})
        text = condition_text(state.next) if state.next else ""
        groups[-1]["entries"].append({"state": state, "condition": text})
    return groups


@login_required
def gallery_page(request):
    states = selectors.item_states(player=request.user)
    context = {
        "collections": _collections(states),
        # A fresh key per page view: a double-clicked coin unlock pays once.
        "unlock_key": uuid.uuid4().hex,
        "balance": player_balance(player=request.user),
    }
    return render(request, "economy/gallery.html", context)


@login_required
@require_POST
def unlock(request):
    try:
        item_id = int(request.POST.get("item_id", ""))
    except ValueError:
        item_id = 0
    try:
        result = services.gallery_unlock(
            player=request.user,
            item_id=item_id,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("gallery")
    messages.success(
        request,
        _("You unlocked stage %(stage)s of %(title)s.")
        % {"stage": result.unlock.stage, "title": result.state.item.title},
    )
    return redirect(reverse("gallery") + f"#item-{result.state.item.pk}")
