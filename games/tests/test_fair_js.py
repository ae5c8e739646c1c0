"""The browser's fairness verifier (static/games/fair.js) reproduces the known answers.

The verifier runs in the player's browser so it must not lean on the
server's code; these Node tests hold it to the same vectors as
games/tests/test_fairness.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CI = os.environ.get("CI", "").lower() == "true"


def test_fair_js_reproduces_the_known_answer_vectors():
    node = shutil.which("node")
    if node is None:
        if CI:
            pytest.fail("CI=true but node is not installed", pytrace=False)
        pytest.skip("needs node (20 or later)")
    result = subprocess.run(
        [node, "--test", "static/games/fair.test.mjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
