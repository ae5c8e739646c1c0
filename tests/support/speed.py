"""Autouse fixtures a test directory opts into by importing them into its
conftest (defined here once). Not a plugin of the root conftest: tests whose
players log in to a separate daphne process need the site's real hashers."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Players are created by the dozen; hashing their passwords with the
    # production hasher would be most of the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
