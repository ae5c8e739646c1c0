from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import mood_views, privacy_views, responsible_views
from accounts import views as account_views
from accounts.age import views as age_views
from casino_club import headless, health, metrics
from casino_club.api import api_not_found
from games import views as game_views
from games.reports.views import reports_admin_view
from games.segments import views as segment_views

# Staff log in through allauth like everyone else, so its MFA stage and rate
# limits apply; the admin also requires a second factor on every staff account
# (accounts.middleware.StaffTwoFactorMiddleware). Set before ``admin.site.urls``
# is read below: that binds the login view.
admin.site.login = secure_admin_login(admin.site.login)


class FaviconRedirect(RedirectView):
    """/favicon.ico: the site's SVG icon (its hashed static name, so resolved per request)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")


api_patterns = [
    path("", include("accounts.urls_api")),
    path("", include("games.urls_api")),
    path("", include("economy.urls_api")),
    path("", include("economy.progression.urls_api")),
    path("", include("economy.shop.urls_api")),
    path("", include("economy.season_pass.urls_api")),
    path("", include("economy.invites.urls_api")),
    path("", include("economy.gallery.urls_api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("profile/", account_views.profile_page, name="profile"),
    path("mood/", mood_views.mood_submit, name="mood-submit"),
    path("profile/quiz/", segment_views.quiz_page, name="profile-quiz"),
    path("profile/verify-age/", age_views.verify_age_page, name="verify-age"),
    path("profile/export/", privacy_views.export_download, name="profile-export"),
    path("profile/delete/", privacy_views.delete_page, name="profile-delete"),
    path("notifications/", account_views.notifications_page, name="notifications"),
    path(
        "profile/responsible-play/",
        responsible_views.responsible_play_page,
        name="responsible-play",
    ),
    path("profile/activity/", responsible_views.activity_page, name="activity"),
    path("welcome/reminders/", account_views.reminders_question, name="reminders-question"),
    # Before "games/": its "<slug>/" pattern would otherwise take "live-rps/".
    path("help/", game_views.help_page, name="help"),
    path("games/live-rps/", include("games.live_rps.urls")),
    path("games/", include("games.urls")),
    path("leaderboards/", include("games.leaderboards.urls")),
    path("wallet/", include("economy.urls")),
    path("missions/", include("economy.progression.urls")),
    path("pass/", include("economy.season_pass.urls")),
    path("shop/", include("economy.shop.urls")),
    path("gallery/", include("economy.gallery.urls")),
    path("join/", include("economy.invites.urls")),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    # The header's language switcher: sets the cookie and, for a signed-in
    # player, their stored language (same name as Django's, found first).
    path("i18n/setlang/", account_views.language_choose, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    # Before allauth's own views of the same paths (casino_club/headless.py).
    path("_allauth/openapi.json", headless.openapi_json, name="allauth-openapi-json"),
    path("_allauth/openapi.yaml", headless.openapi_yaml, name="allauth-openapi-yaml"),
    path("_allauth/", include("allauth.headless.urls")),
    path("admin/reports/", reports_admin_view, name="admin-reports"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
]

# A lost database answers 503 (JSON under /api/), other errors Django's 500.
handler500 = "casino_club.outage.server_error"

admin.site.site_header = "Casino Club moderation"
admin.site.site_title = "Casino Club admin"

if settings.DEBUG:
    from django.conf.urls.static import static as media_patterns

    urlpatterns += media_patterns(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
