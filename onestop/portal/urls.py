from django.urls import path

from . import (
    applications,
    apply,
    apply_finish,
    apply_people,
    my_data,
    preferences,
    sign_in,
    sign_in_eid,
    track,
    views,
)

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
    # Applying, and following one's applications (apply.py, applications.py, track.py).
    path("services/<slug:code>/apply/", apply.apply_service, name="apply_service"),
    path("life-events/<slug:code>/apply/", apply.apply_life_event, name="apply_life_event"),
    path("applications/", applications.my_applications, name="applications"),
    path(
        "applications/drafts/<uuid:draft_id>/evidence/", apply.draft_evidence, name="draft_evidence"
    ),
    path(
        "applications/drafts/<uuid:draft_id>/processing/",
        apply_finish.draft_processing,
        name="draft_processing",
    ),
    path(
        "applications/drafts/<uuid:draft_id>/check/", apply_finish.draft_check, name="draft_check"
    ),
    path(
        "applications/drafts/<uuid:draft_id>/people/",
        apply_people.draft_people,
        name="draft_people",
    ),
    path("applications/drafts/<uuid:draft_id>/<str:step>/", apply.draft_step, name="draft_step"),
    path(
        "applications/<uuid:application_id>/", applications.application_detail, name="application"
    ),
    path(
        "applications/<uuid:application_id>/submitted/",
        applications.application_submitted,
        name="application_submitted",
    ),
    path(
        "applications/<uuid:application_id>/answer/<uuid:message_id>/",
        applications.information_answer,
        name="information_answer",
    ),
    path(
        "applications/<uuid:application_id>/withdraw/",
        applications.application_withdraw_confirm,
        name="application_withdraw",
    ),
    path("track/", track.track, name="track"),
    path("track/<str:number>/", track.track, name="track_number"),
]
