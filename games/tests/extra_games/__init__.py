"""Test-only game folders, laid out like ``games/<name>/`` (see test_new_game.py)."""
