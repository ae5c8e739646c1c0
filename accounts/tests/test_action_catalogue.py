"""The action catalogue is the one contract between recorders and subscribers."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from accounts import action_types, actions
from accounts.action_types import CATALOGUE, ActionContractError, ActionType
from accounts.models import Action, SubscriberMark

ROOT = Path(__file__).resolve().parents[2]


def test_every_type_is_described_once():
    assert set(CATALOGUE) == set(ActionType)
    for action_type, spec in CATALOGUE.items():
        assert spec.type == action_type
        assert spec.value


def test_recorded_by_names_a_real_module():
    for spec in CATALOGUE.values():
        if spec.client:
            continue
        module, _, function = spec.recorded_by.rpartition(".")
        try:
            assert hasattr(importlib.import_module(module), function), spec.recorded_by
        except ModuleNotFoundError:
            importlib.import_module(spec.recorded_by)


def test_every_registered_subscriber_listens_to_a_catalogued_type():
    for subscriber in actions._subscribers.values():
        assert subscriber.types <= set(CATALOGUE), subscriber.name


def test_subscribing_to_an_unknown_type_fails_at_once():
    with pytest.raises(ActionContractError, match="ROUND_PLAYD"):
        actions.subscribe("ROUND_PLAYD", "tests.typo")
    assert "tests.typo" not in actions._subscribers


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("metadata", "problem"),
    [
        ({"round": 1, "game": "slots", "wager": 1, "payout": 0}, "missing metadata"),
        ({"round": 1, "game": "slots", "wager": 1, "payout": 0, "net": -1, "x": 1}, "undeclared"),
        ({"round": 1, "game": "slots", "wager": "1", "payout": 0, "net": -1}, "must be int"),
        ({"round": True, "game": "slots", "wager": 1, "payout": 0, "net": -1}, "must be int"),
    ],
)
def test_recording_checks_the_metadata(player, metadata, problem):
    with pytest.raises(ActionContractError, match=problem):
        actions.action_record(player=player, type=ActionType.ROUND_PLAYED, metadata=metadata)
    assert not Action.objects.filter(player=player, type=ActionType.ROUND_PLAYED).exists()


@pytest.mark.django_db
def test_recording_an_unknown_type_fails(player):
    with pytest.raises(ActionContractError, match="not in the action catalogue"):
        actions.action_record(player=player, type="SOMETHING_ELSE")


@pytest.fixture
def typo_subscriber(monkeypatch):
    monkeypatch.setitem(actions._subscribers, "tests.typo_reader", actions.Subscriber("x"))
    """A subscriber that reads a key the catalogue does not declare for its type."""
    monkeypatch.setitem(
        action_types.CATALOGUE,
        "TEST_CONTRACT",
        action_types.ActionSpec(
            "TEST_CONTRACT", recorded_by="tests", value="0", metadata={"net": int}
        ),
    )
    seen = []

    def handler(action):
        seen.append(action.metadata["net"])
        seen.append(action.metadata.get("nett"))

    actions.subscribe("TEST_CONTRACT", "tests.typo_reader")(handler)
    return seen


@pytest.mark.django_db
def test_reading_an_undeclared_key_fails_loudly_and_moves_no_mark(player, typo_subscriber):
    Action.objects.create(player=player, type="TEST_CONTRACT", metadata={"net": 3})

    with pytest.raises(ActionContractError, match="nett"):
        actions.actions_process()

    assert typo_subscriber == [3]
    assert not SubscriberMark.objects.filter(name="tests.typo_reader", handled__gt=0).exists()


def test_the_metadata_view_is_read_only_and_knows_its_keys():
    spec = CATALOGUE[ActionType.XP_GAINED]
    view = action_types.ActionMetadata(spec, {"total": 10, "source": "play", "reference": "r"})

    assert view["total"] == 10
    assert view.get("total") == 10
    assert dict(view) == {"total": 10, "source": "play", "reference": "r"}
    with pytest.raises(TypeError):
        view["total"] = 11  # type: ignore[index]
    with pytest.raises(ActionContractError):
        view.get("net")
    with pytest.raises(ActionContractError):
        "net" in view  # noqa: B015


def test_every_real_subscriber_reads_only_declared_keys():
    """Static check: each ``action.metadata[...]``/``.get(...)`` in a subscriber names a
    key the catalogue declares for a type that subscriber is registered for."""
    by_module: dict[str, set[str]] = {}
    for subscriber in actions._subscribers.values():
        by_module.setdefault(subscriber.module, set()).update(subscriber.types)
    for module, types in by_module.items():
        if module.startswith("accounts.tests"):
            continue
        declared = set().union(*(CATALOGUE[t].metadata for t in types if t in CATALOGUE))
        source = Path(importlib.import_module(module).__file__).read_text()
        read = set(re.findall(r"metadata(?:\[|\.get\()\"(\w+)\"", source))
        assert read <= declared, (module, read - declared)


def test_no_app_but_accounts_queries_the_action_log():
    offenders = []
    for app in ("economy", "games", "casino_club"):
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr == "objects"
                    and isinstance(node.value, ast.Name)
                    and node.value.id in {"Action", "SubscriberMark"}
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_fan_out_table_in_the_docs_lists_every_subscriber():
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("### Action fan-out", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`"):
            for action_type in re.findall(r"`(\w+)`", cells[0]):
                rows[action_type] = cells[2]
    assert set(rows) == set(CATALOGUE)
    for subscriber in actions._subscribers.values():
        if subscriber.types == set(CATALOGUE):
            # One for every type (the stream's relay) is named below the table.
            assert f"`{subscriber.name}`" in section, subscriber.name
            continue
        for action_type in subscriber.types:
            assert f"`{subscriber.name}`" in rows[action_type], (action_type, subscriber.name)
