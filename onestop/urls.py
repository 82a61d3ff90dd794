from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from onestop.api.urls import api

# The API and the admin stay un-prefixed; every portal page carries its language (/en/, /ar/…)
# and LocaleMiddleware sends "/" to the visitor's language.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("webhooks/sms/", include("onestop.notifications.urls")),
    *i18n_patterns(path("", include("onestop.portal.urls"))),
]
