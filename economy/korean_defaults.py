"""Korean text for the content the site ships with (missions, shop, pass, gallery demo).

Filled into the ``*_ko`` fields by migration 0008 and after every seed
(``defaults_seed``, ``gallery_demo``), only where a field is still empty, so
a moderator's own translation is never overwritten. Rows are found by their
slug or code (the gallery demo's by English title).
"""

from __future__ import annotations

MISSION_TEMPLATES = {
    "daily-play-10": ("10판 플레이하기", "어떤 게임이든 괜찮아요."),
    "daily-win-3": ("3판 이기기", "베팅보다 많이 받으면 이긴 거예요."),
    "daily-bonus": ("일일 보너스 받기", "지갑 페이지에서 받을 수 있어요."),
    "weekly-wager-5000": ("5,000 코인 베팅하기", "이번 주 모든 게임을 합쳐서 세요."),
    "weekly-slots-50": ("슬롯 50번 돌리기", ""),
    "weekly-live-win": ("실시간 가위바위보 한 판 이기기", "다른 플레이어와 겨뤄요."),
    "weekly-login-4": ("4일 방문하기", "서로 다른 4일에 로그인해 주세요."),
    "weekly-break-24": (
        "하루 쉬어 가기",
        "24시간 동안 한 판도 하지 않기. 쉬는 것도 잘 즐기는 방법이에요.",
    ),
}

SHOP_ITEMS = {
    "emote-wave": "손 흔들기",
    "emote-gg": "좋은 게임",
    "title-lucky": "행운아",
    "frame-emerald": "에메랄드 프레임",
    "cardback-royal": "로열 카드 뒷면",
    "frame-ruby": "루비 프레임",
    "gallery-art-deco": "아르데코 갤러리",
    "theme-midnight": "미드나잇 테이블",
    "frame-founders": "창립 멤버 프레임",
    "title-high-roller": "하이 롤러",
    "s1-frame-bronze": "시즌 1 브론즈 프레임",
    "s1-title-regular": "시즌 1 단골",
    "s1-cardback-star": "별빛 카드 뒷면",
    "s1-frame-gold": "시즌 1 골드 프레임",
}

SEASONS = {"season-1": "시즌 1"}

COLLECTIONS = {
    "Art deco nights": (
        "아르데코의 밤",
        "선버스트, 부채, 계단 무늬: 아르데코 갤러리를 가지면 시작할 수 있어요.",
    ),
}

GALLERY_ITEMS = {
    "Sunburst": "선버스트",
    "Fan parade": "부채 퍼레이드",
    "Ziggurat": "지구라트",
    "Velvet hour": "벨벳 아워",
}


def fill_empty(model, lookup: str, texts: dict, fields: tuple[str, ...]) -> None:
    """Write ``texts`` ({key: text or (text, ...)}) into the empty ``<field>_ko`` columns."""
    names = {field.name for field in model._meta.get_fields()}
    if f"{fields[0]}_ko" not in names:
        return  # a historical model from before migration 0008 (which fills them itself)
    for key, values in texts.items():
        values = (values,) if isinstance(values, str) else values
        for field, value in zip(fields, values, strict=True):
            if value:
                model.objects.filter(**{lookup: key, f"{field}_ko": ""}).update(
                    **{f"{field}_ko": value}
                )


def korean_fill(*, MissionTemplate, ShopItem, Season, Collection=None, GalleryItem=None) -> None:
    """Fill the empty Korean fields of the shipped rows (historical or current models)."""
    fill_empty(MissionTemplate, "code", MISSION_TEMPLATES, ("title", "description"))
    fill_empty(ShopItem, "slug", SHOP_ITEMS, ("name",))
    fill_empty(Season, "slug", SEASONS, ("name",))
    if Collection is not None:
        fill_empty(Collection, "title", COLLECTIONS, ("title", "description"))
    if GalleryItem is not None:
        fill_empty(GalleryItem, "title", GALLERY_ITEMS, ("title",))


def korean_fill_current() -> None:
    from economy.models import Collection, GalleryItem, MissionTemplate, Season, ShopItem

    korean_fill(
        MissionTemplate=MissionTemplate,
        ShopItem=ShopItem,
        Season=Season,
        Collection=Collection,
        GalleryItem=GalleryItem,
    )
