"""Templates and static files of the game folders (docs/games.md, "Folder layout").

Each folder directly under ``games/`` (every game, live RPS) and the folder of
every registered game (``registry.folder_of``: a test-only game registered
from elsewhere too) may hold ``templates/`` and ``static/``. Both are
namespaced like app directories (``templates/games/<slug>.html``,
``static/games/<slug>.js``), so template names and static URLs do not depend
on where a game's folder is. Folders are listed at lookup time, so a game
registered later is found as well.

``GameTemplateLoader`` is listed in ``TEMPLATES[0]["OPTIONS"]["loaders"]``
and ``GameStaticFinder`` in ``STATICFILES_FINDERS`` (``collectstatic`` and
WhiteNoise's finders use it like any other finder).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, searched_locations
from django.core.files.storage import FileSystemStorage
from django.template.loaders.filesystem import Loader as FilesystemLoader
from django.utils._os import safe_join

from games import registry

GAMES_DIR = Path(__file__).resolve().parent


def game_folders() -> list[Path]:
    """The folders directly under ``games/``, then any registered game's folder elsewhere."""
    folders = sorted(path for path in GAMES_DIR.iterdir() if path.is_dir())
    for spec in registry.all_games():
        folder = registry.folder_of(spec)
        if folder not in folders:
            folders.append(folder)
    return folders


def game_dirs(name: str) -> list[Path]:
    """``<folder>/<name>`` (``templates`` or ``static``) of every game folder that has one."""
    return [folder / name for folder in game_folders() if (folder / name).is_dir()]


class GameTemplateLoader(FilesystemLoader):
    """Django's filesystem loader over the game folders' ``templates/``."""

    def get_dirs(self) -> list[Path]:
        return game_dirs("templates")


class GameStaticFinder(BaseFinder):
    """A static files finder over the game folders' ``static/``."""

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        if kwargs:  # Django 5.2 still accepts the deprecated ``all``
            find_all = self._check_deprecated_find_param(find_all=find_all, **kwargs)
        matches = []
        for root in game_dirs("static"):
            if str(root) not in searched_locations:
                searched_locations.append(str(root))
            candidate = safe_join(root, path)
            if os.path.exists(candidate):
                if not find_all:
                    return candidate
                matches.append(candidate)
        return matches

    def list(self, ignore_patterns) -> Iterator[tuple[str, FileSystemStorage]]:
        for root in game_dirs("static"):
            storage = FileSystemStorage(location=root)
            for path in utils.get_files(storage, ignore_patterns):
                yield path, storage
