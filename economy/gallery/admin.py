"""Moderating the gallery: collections, items (one original, a region), unlock conditions.

Saving an item derives its stage images (economy.gallery.derive). The region
is four integer fields in the original's pixels; static/economy/gallery_admin.js
draws a rectangle over a preview to fill them, and they work without it. The
preview of a saved item is its full stage image, through an admin-only view
(the original itself is never served). Unlocks are read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.urls import path, reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casino_club.kit.admin import ReadOnlyAdminMixin, TranslatedAdminMixin
from economy.gallery.derive import CONTENT_TYPE, Region, derived_file, open_original
from economy.gallery.services import gallery_item_derive
from economy.models import Collection, GalleryItem, GalleryUnlock, UnlockCondition
from economy.models.gallery import gallery_storage

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class RegionPickerInput(forms.FileInput):
    """A file input followed by the region picker's mount point (data attributes only)."""

    preview_url = ""
    original_size = (0, 0)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        width, height = self.original_size
        return html + format_html(
            '<div class="gallery-region-picker" data-preview-url="{}" data-width="{}" '
            'data-height="{}" hidden></div>',
            self.preview_url,
            width,
            height,
        )


class GalleryItemForm(forms.ModelForm):
    class Meta:
        model = GalleryItem
        fields = [
            "collection",
            "title",
            "description",
            "title_ko",
            "description_ko",
            "rating",
            "order",
            "published",
            "original",
            "region_x",
            "region_y",
            "region_w",
            "region_h",
        ]
        widgets = {"original": RegionPickerInput(attrs={"accept": "image/*"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["original"].widget
        if self.instance.pk and self.instance.derived_at:
            widget.preview_url = reverse(
                "admin:economy_galleryitem_preview", args=[self.instance.pk]
            )
            widget.original_size = (self.instance.original_width, self.instance.original_height)

    def clean(self):
        data = super().clean()
        upload = self.files.get("original")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError({"original": _("The image must be at most 25 MB.")})
            try:
                image = open_original(upload)
            except Exception as error:  # Pillow raises many kinds for a bad file
                raise ValidationError({"original": _("This is not an image we can read.")}) from (
                    error
                )
            upload.seek(0)
            size = image.size
        elif self.instance.pk:
            size = (self.instance.original_width, self.instance.original_height)
        else:
            return data
        fields = ("region_x", "region_y", "region_w", "region_h")
        if any(data.get(name) is None for name in fields):
            return data
        region = Region(*(data[name] for name in fields))
        if not region.fits(*size):
            raise ValidationError(
                _("The region must lie inside the image (%(width)s × %(height)s pixels).")
                % {"width": size[0], "height": size[1]}
            )
        return data


class UnlockConditionInline(admin.TabularInline):
    model = UnlockCondition
    extra = 0
    max_num = 2
    fields = [
        "stage",
        "kind",
        "coins",
        "vip_tier",
        "pass_tier",
        "mission_template",
        "mission_count",
    ]
    autocomplete_fields = []


@admin.register(Collection)
class CollectionAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "key_item", "published", "sort_order"]
    list_filter = ["published"]
    search_fields = ["title"]


@admin.register(GalleryItem)
class GalleryItemAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    form = GalleryItemForm
    list_display = ["title", "collection", "rating", "order", "published", "derived_at"]
    list_filter = ["collection", "rating", "published"]
    search_fields = ["title"]
    inlines = [UnlockConditionInline]

    class Media:
        css = {"all": ["economy/gallery_admin.css"]}
        # The site's JavaScript catalogue first: the script translates its help.
        js = [reverse_lazy("javascript-catalog"), "economy/gallery_admin.js"]

    def save_model(self, request, obj, form, change) -> None:
        replaced = ""
        if change and "original" in form.changed_data:
            replaced = GalleryItem.objects.values_list("original", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        gallery_item_derive(obj)
        if replaced and replaced != obj.original.name:
            gallery_storage.delete(replaced)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview)
        return [
            path("<int:item_id>/preview/", preview, name="economy_galleryitem_preview"),
            *super().get_urls(),
        ]

    def preview(self, request, item_id: int):
        """The full stage image, for moderators drawing the region."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = GalleryItem.objects.filter(pk=item_id).first()
        if item is None or item.derived_at is None:
            raise Http404
        path_ = derived_file(item.asset_token, 3)
        if not path_.is_file():
            raise Http404
        response = FileResponse(path_.open("rb"), content_type=CONTENT_TYPE)
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(GalleryUnlock)
class GalleryUnlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "player", "item", "stage", "kind", "transaction"]
    list_filter = ["stage", "kind"]
    list_select_related = ["player", "item"]
    search_fields = ["player__nickname", "item__title"]
