"""WSGI entry point: production serves HTTP with gunicorn workers from here."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casino_club.settings")

application = get_wsgi_application()
