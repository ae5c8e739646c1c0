from django.conf import settings


def site(request):
    return {"SITE_MIN_AGE": settings.SITE_MIN_AGE, "SITE_NAME": "Casino Club"}
