from django.urls import path

from . import my_data, preferences, sign_in, sign_in_eid, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("categories/<slug:code>/", views.category, name="category"),
    path("agencies/<slug:code>/", views.agency, name="agency"),
    path("services/<slug:code>/", views.service, name="service"),
    path("life-events/<slug:code>/", views.life_event, name="life_event"),
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-in/code/", sign_in.sign_in_code, name="sign_in_code"),
    path("sign-in/e-id/", sign_in_eid.sign_in_eid, name="sign_in_eid"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("inbox/", sign_in.inbox, name="inbox"),
    path("inbox/preferences/", preferences.inbox_preferences, name="inbox_preferences"),
    path("inbox/<uuid:message_id>/", sign_in.inbox_message, name="inbox_message"),
    path("my-data/", my_data.my_data, name="my_data"),
    path("my-data/who-looked/", my_data.my_data_who_looked, name="my_data_who_looked"),
]
