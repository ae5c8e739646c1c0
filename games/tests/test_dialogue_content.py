"""Content rules over every shipped dialogue line, in English and Korean.

No line may claim a win is due, near or more likely, and no line for a loss
or a loss streak may urge the player to play on.
"""

from __future__ import annotations

import re

import pytest

from games.dialogue_seed import LINES
from games.models import DialogueLine
from games.models.character import Situation, Tone

# A win is never due, near or more likely; losses are never to be won back.
FORBIDDEN = [
    r"\bdue\b",
    r"bound to",
    r"next one",
    r"next time",
    r"lucky streak",
    r"on a roll",
    r"hot streak",
    r"keep going",
    r"keep playing",
    r"don'?t stop",
    r"win (it|them) back",
    r"\bchas(e|ing)\b",
    r"almost (won|there)",
    r"so close",
    r"near miss",
    r"any (spin|moment) now",
    r"your turn to win",
    r"곧 터",
    r"다음엔 꼭",
    r"다음에는 꼭",
    r"이번엔 꼭",
    r"될 차례",
    r"거의 다",
    r"아깝",
    r"만회",
    r"되찾",
    r"계속 하",
    r"계속하",
    r"멈추지 마",
    r"한 번 더",
    r"한 판 더",
]
# After a loss nothing suggests another round.
PLAY_ON = [
    r"\bspin\b",
    r"\bagain\b",
    r"another (round|go|try)",
    r"\bbet\b",
    r"try your luck",
    r"다시 돌",
    r"다시 해",
    r"한 번 더",
    r"또 (해|돌)",
    r"베팅",
    r"스핀",
]
AFTER_LOSS = {Situation.LOSS, Situation.LOSS_STREAK, Situation.RETURN_AT_OR_BELOW_STAKE}
CELEBRATION = [r"\bwin\b", r"\bwon\b", r"!", r"이겼", r"승리"]


def shipped_and_stored():
    rows = [(s, t, en, ko) for s, t, en, ko, _a, _s in LINES]
    rows += list(DialogueLine.objects.values_list("situation", "tone", "text_en", "text_ko"))
    return rows


@pytest.mark.django_db
def test_no_line_claims_a_win_is_due_or_urges_play():
    rows = shipped_and_stored()
    assert len(rows) >= 2 * len(LINES)
    for situation, _tone, text_en, text_ko in rows:
        for text in (text_en, text_ko):
            for pattern in FORBIDDEN:
                assert not re.search(pattern, text, re.IGNORECASE), (situation, text, pattern)
            if situation in AFTER_LOSS:
                for pattern in PLAY_ON:
                    assert not re.search(pattern, text, re.IGNORECASE), (situation, text, pattern)


@pytest.mark.django_db
def test_a_return_at_or_below_the_stake_is_never_celebrated():
    for situation, _tone, text_en, text_ko in shipped_and_stored():
        if situation != Situation.RETURN_AT_OR_BELOW_STAKE:
            continue
        for text in (text_en, text_ko):
            # "not a win" / "승리가 아니에요" says what it is; praise does not.
            plain = re.sub(r"not a win|승리가? 아니|승리는 아니", "", text, flags=re.IGNORECASE)
            for pattern in CELEBRATION:
                assert not re.search(pattern, plain, re.IGNORECASE), (text, pattern)


def test_every_situation_and_tone_ships_in_both_languages():
    pairs = {(s, t) for s, t, en, ko, _a, _s in LINES if en.strip() and ko.strip()}
    assert pairs == {(s, t) for s in Situation.values for t in Tone.values}
    # Calm is what a low mood gets: at least two, so a line need not repeat.
    for situation in Situation.values:
        calm = [line for line in LINES if line[0] == situation and line[1] == Tone.CALM]
        assert len(calm) >= 2, situation


def test_the_rules_catch_what_they_forbid():
    for text in ["A win is due!", "Keep going, the next one pays", "곧 터질 거예요", "다음엔 꼭!"]:
        assert any(re.search(pattern, text, re.IGNORECASE) for pattern in FORBIDDEN), text
