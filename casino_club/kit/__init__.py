"""The shared toolkit: small pieces every app may import.

``casino_club`` does two jobs, kept apart: its top-level modules *wire* the
project (settings, urls, asgi, wsgi, celery, routing, health probes, the API
exception handler) and import the apps; this package is the *toolkit* below
every app (domain error base, base socket consumer, strict API fields, integer
checks, read-only admin mixin, readiness registry, OpenAPI helpers, query expressions
Django lacks on our two databases). The
toolkit imports nothing from the apps or from the wiring; an app that imports
``casino_club`` imports only ``casino_club.kit``. The import contracts in
``pyproject.toml`` (``lint-imports`` in ``make test``) enforce both rules.
"""
