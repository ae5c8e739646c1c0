"""Helpers for the tests of every app (docs/architecture.md, "Test support").

``races`` (threads and deterministic interleavings), ``factories``
(factory_boy, through the real services), ``fixtures`` (the shared pytest
fixtures, a plugin of the root conftest), ``browser`` (Playwright with
Debian's Chromium), ``servers`` (private redis-server, daphne processes),
``fake_oidc`` (an OpenID Connect provider on 127.0.0.1), ``clients``
(signing in), ``rounds`` and ``progression`` (playing rounds, delivering
actions). Test modules import these, never each other.
"""
