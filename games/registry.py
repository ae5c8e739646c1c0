"""The game registry: what every game provides, and how games are found.

Adding a game means adding a folder ``games/<name>/`` with a ``game.py``
that defines ``SPEC`` (a ``GameSpec``) and ``DEFAULT_CONFIG`` (a JSON-ready
dict); ``discover()`` imports it and registers ``SPEC``. Specs are pure: the
round service owns seeds, coins and rows and only asks a spec to validate,
price and resolve a bet. The folder (the package ``SPEC``'s class is defined
in, ``folder_of``) also holds the game's page: ``page.py``, ``templates/``
and ``static/`` (``games/pages.py``, ``games/assets.py``, docs/games.md).
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from games.errors import BetInvalid, UnknownGame
from games.fairness import Draws

__all__ = [
    "BetInvalid",
    "GameSpec",
    "UnknownGame",
    "all_games",
    "discover",
    "folder_of",
    "get",
    "package_of",
    "register",
    "unregister",
]

GAMES_PACKAGE = __name__.rpartition(".")[0]


class GameSpec:
    """Base class of a game; subclasses set ``slug``, ``name``, ``default_config``.

    ``config`` is the game's JSON settings (limits, paytables, reel strips);
    the caller passes the stored one, so a game's limits can change without a
    deploy and a round can be re-resolved with the config it was played with.
    """

    slug: ClassVar[str]
    name: ClassVar[str]
    default_config: ClassVar[dict[str, Any]]

    def config_or_default(self, config: dict[str, Any] | None) -> dict[str, Any]:
        """The given config, or a deep copy of the default so callers cannot mutate it."""
        return copy.deepcopy(self.default_config) if config is None else config

    def check_config(self, config: dict[str, Any]) -> None:
        """Raise ``ValueError`` if ``config`` cannot be played (run it before saving edits)."""

    def validate_params(self, params: Any, config: dict[str, Any]) -> dict[str, Any]:
        """The cleaned parameters of a bet, or ``BetInvalid`` (nothing wagered)."""
        raise NotImplementedError

    def wager(self, cleaned_params: dict[str, Any]) -> int:
        """The coins this bet takes from the player, from cleaned parameters."""
        raise NotImplementedError

    def resolve(
        self, stream: Draws, cleaned_params: dict[str, Any], config: dict[str, Any]
    ) -> dict[str, Any]:
        """The outcome (a JSON-ready dict with an int ``payout``), pure: no I/O.

        All randomness comes from ``stream.draw`` so the round can be
        re-computed from its seeds.
        """
        raise NotImplementedError

    def math(self, config: dict[str, Any]) -> dict[str, Any]:
        """Published figures (``rtp`` and friends) computed from ``config``."""
        raise NotImplementedError

    def example_params(self, config: dict[str, Any]) -> dict[str, Any]:
        """A typical valid bet, used by simulations and documentation."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.slug!r}>"


_registry: dict[str, GameSpec] = {}
_discovered = False


def register(spec: GameSpec) -> GameSpec:
    """Add a game; registering the same spec twice is harmless, two specs per slug is a bug."""
    existing = _registry.get(spec.slug)
    if existing is not None and existing is not spec:
        raise ValueError(f"game slug {spec.slug!r} is already registered by {existing!r}")
    _registry[spec.slug] = spec
    return spec


def unregister(spec: GameSpec) -> None:
    """Remove a game registered with ``register`` (tests register test-only games)."""
    if _registry.get(spec.slug) is spec:
        del _registry[spec.slug]


def package_of(spec: GameSpec) -> str:
    """The dotted name of the game's folder: the package its spec class is defined in."""
    return type(spec).__module__.rpartition(".")[0]


def folder_of(spec: GameSpec) -> Path:
    """The game's folder on disk (``page.py``, ``templates/`` and ``static/`` live there)."""
    return Path(sys.modules[type(spec).__module__].__file__).resolve().parent


def get(slug: str) -> GameSpec:
    """The registered game for ``slug``, or ``UnknownGame``."""
    if not _discovered:
        discover()
    try:
        return _registry[slug]
    except KeyError:
        raise UnknownGame(slug) from None


def all_games() -> list[GameSpec]:
    """Every registered game, ordered by slug so listings are stable."""
    if not _discovered:
        discover()
    return [_registry[slug] for slug in sorted(_registry)]


def discover(package_name: str = GAMES_PACKAGE) -> list[GameSpec]:
    """Import ``games/<name>/game.py`` for every subpackage and register its ``SPEC``.

    The file is looked for on disk first so that other subpackages (``api``,
    ``migrations``, ``tests``) are never imported as a side effect. Tests pass
    another package to discover test-only game folders the same way.
    """
    global _discovered
    package = importlib.import_module(package_name)
    found = []
    for module_info in pkgutil.iter_modules(package.__path__):
        if not module_info.ispkg:
            continue
        if not any(
            (Path(root) / module_info.name / "game.py").is_file() for root in package.__path__
        ):
            continue
        module = importlib.import_module(f"{package_name}.{module_info.name}.game")
        found.append(register(_spec_of(module)))
    _discovered = True
    return found


def _spec_of(module: ModuleType) -> GameSpec:
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, GameSpec):
        raise TypeError(f"{module.__name__} must define SPEC = <GameSpec instance>")
    if not isinstance(getattr(module, "DEFAULT_CONFIG", None), dict):
        raise TypeError(f"{module.__name__} must define DEFAULT_CONFIG = {{...}}")
    return spec
