"""Sound, vibration, screen shake, mute and reduced motion on the game pages
(static/games/play.js), with rounds of known outcome played through the real
API: a win is celebrated, a return below the stake never is.

An init script stands in for the browser's speakers and vibration motor: it
records every tone (oscillator start), vibration and media play, and every
motion class (reel spin, landing, shake) into ``window.__calls``.
"""

from __future__ import annotations

import pytest

from tests.support.browser import SETTLED, browser_context
from tests.support.clients import sign_in
from tests.support.ledger import give_coins
from tests.support.seeds import seed_find, seed_pair_give

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPIN = {"bet_per_line": 1, "lines": 20}  # the slots page's initial bet

RECORDER = """
window.__calls = [];
const record = (kind, detail = {}) => window.__calls.push({ kind, ...detail });
navigator.vibrate = (pattern) => { record("vibrate", { pattern }); return true; };
class Param {
  setValueAtTime(value) { if (this.first === undefined) this.first = value; }
  exponentialRampToValueAtTime() {}
  linearRampToValueAtTime() {}
}
class Node { connect(next) { return next; } disconnect() {} }
class Oscillator extends Node {
  constructor() { super(); this.type = "sine"; this.frequency = new Param(); }
  start() { record("tone", { type: this.type, frequency: this.frequency.first }); }
  stop() {}
}
class Gain extends Node { constructor() { super(); this.gain = new Param(); } }
class FakeAudioContext {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = new Node(); }
  resume() { return Promise.resolve(); }
  createOscillator() { return new Oscillator(); }
  createGain() { return new Gain(); }
}
window.AudioContext = FakeAudioContext;
window.webkitAudioContext = FakeAudioContext;
HTMLMediaElement.prototype.play = function () { record("media"); return Promise.resolve(); };
const MOTION = new Set(["shake", "shaking", "spinning", "landed"]);
const add = DOMTokenList.prototype.add;
DOMTokenList.prototype.add = function (...tokens) {
  for (const token of tokens) if (MOTION.has(token)) record("motion", { name: token });
  return add.apply(this, tokens);
};
const animate = Element.prototype.animate;
Element.prototype.animate = function (...args) {
  record("motion", { name: "animate" });
  return animate.apply(this, args);
};
"""

# The first note of each sound in play.js (SOUNDS): what the player hears.
WIN_NOTE = ("triangle", 523.25)  # win and big win open with the same C
SPIN_NOTE = ("square", 300)
PUSH_NOTE = ("sine", 440)
LOSS_NOTE = ("sine", 220)


def spin(page) -> tuple[str, list[dict]]:
    """One spin at the page's bet: the result kind and what it set off."""
    page.evaluate("window.__calls.length = 0")
    with page.expect_response(lambda r: r.url.endswith("/api/games/slots/play")):
        page.get_by_test_id("spin").click()
    page.locator(SETTLED).wait_for()
    return page.get_by_test_id("result").get_attribute("data-kind"), page.evaluate("window.__calls")


def notes(calls) -> list[tuple[str, float]]:
    return [(call["type"], call["frequency"]) for call in calls if call["kind"] == "tone"]


def of(calls, kind: str) -> list:
    return [call for call in calls if call["kind"] == kind]


def celebrates(calls) -> bool:
    return (
        WIN_NOTE in notes(calls)
        or bool(of(calls, "vibrate"))
        or any(call["name"] == "shake" for call in of(calls, "motion"))
    )


def test_wins_are_celebrated_returns_below_the_stake_never_and_mute_silences(live_server, player):
    # Five rounds with a big win, a win, a partial return and a loss among
    # them, then a win the player hears nothing of after muting.
    server_seed, kinds = seed_find(
        "slots",
        SPIN,
        6,
        lambda k: (
            {"big-win", "win", "partial", "loss"} <= set(k[:5]) and k[5] in {"win", "big-win"}
        ),
    )
    seed_pair_give(player, server_seed)
    give_coins(player, 2_000)

    with browser_context(viewport={"width": 1280, "height": 900}) as context:
        context.add_init_script(RECORDER)
        page = context.new_page()
        sign_in(page, live_server.url, player.email)
        page.goto(f"{live_server.url}/games/slots/")

        for expected in kinds[:5]:
            kind, calls = spin(page)
            assert kind == expected
            assert notes(calls)[0] == SPIN_NOTE  # every spin starts with its whirr
            vibrations = [call["pattern"] for call in of(calls, "vibrate")]
            shakes = [call for call in of(calls, "motion") if call["name"] == "shake"]
            if kind == "big-win":
                assert WIN_NOTE in notes(calls)
                assert vibrations == [[60, 40, 60, 40, 120]]
                assert len(shakes) == 1
            elif kind == "win":
                assert WIN_NOTE in notes(calls)
                assert (vibrations, shakes) == ([60], [])
            else:
                # A return below the stake (or nothing) is never celebrated.
                assert not celebrates(calls), calls
                assert notes(calls)[-1] == (PUSH_NOTE if kind == "partial" else LOSS_NOTE)
                assert "won" not in page.get_by_test_id("result").inner_text().lower()
            assert of(calls, "media") == []

        toggle = page.get_by_test_id("sound-toggle")
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true"
        kind, calls = spin(page)
        assert kind in {"win", "big-win"}
        assert notes(calls) == [] and of(calls, "vibrate") == []
        # Muted is remembered: a reload stays quiet.
        page.reload()
        assert page.get_by_test_id("sound-toggle").get_attribute("aria-pressed") == "true"


def test_reduced_motion_keeps_the_sound_and_drops_every_animation(live_server, player):
    server_seed, _kinds = seed_find("slots", SPIN, 1, lambda k: k == ["big-win"])
    seed_pair_give(player, server_seed)
    give_coins(player, 2_000)

    with browser_context(
        viewport={"width": 390, "height": 844}, reduced_motion="reduce"
    ) as context:
        context.add_init_script(RECORDER)
        page = context.new_page()
        sign_in(page, live_server.url, player.email)
        page.goto(f"{live_server.url}/games/slots/")
        kind, calls = spin(page)
        assert kind == "big-win"
        assert of(calls, "motion") == []  # no reel spin, no landing bounce, no shake
        assert WIN_NOTE in notes(calls)
        assert of(calls, "vibrate") == [{"kind": "vibrate", "pattern": [60, 40, 60, 40, 120]}]
