from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from onestop.api.urls import api
from onestop.portal.sign_in_eid import sign_in_eid_callback
from onestop.portal.track import track_link

# The API and the admin stay un-prefixed; every portal page carries its language (/en/, /ar/…)
# and LocaleMiddleware sends "/" to the visitor's language.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("webhooks/sms/", include("onestop.notifications.urls")),
    # The e-ID provider's one registered redirect URI; the language waits in the session.
    path("sign-in/e-id/callback/", sign_in_eid_callback, name="sign_in_eid_callback"),
    # The tracking link of acknowledgements (ONESTOP_PUBLIC_URL/track/<number>): no language.
    path("track/<str:number>", track_link, name="track_link"),
    *i18n_patterns(
        path("console/", include("onestop.console.urls")),
        path("", include("onestop.portal.urls")),
    ),
]

# The console's addresses get the console's own 403 and 404 pages; the portal keeps its own.
handler403 = "onestop.console.error_pages.permission_denied"
handler404 = "onestop.console.error_pages.page_not_found"
