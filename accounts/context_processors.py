from django.conf import settings


def site(request):
    context = {"SITE_MIN_AGE": settings.SITE_MIN_AGE, "SITE_NAME": "Casino Club"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from accounts.notifications import unread_count

        context["unread_notifications"] = unread_count(player=user)
    return context
