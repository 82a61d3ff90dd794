from django.urls import path

from . import counter, sign_in, views

app_name = "console"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("escalations/", views.escalations, name="escalations"),
    path("tasks/<uuid:task_id>/", views.case, name="case"),
    path("tasks/<uuid:task_id>/notes/", views.note_add, name="note_add"),
    path(
        "tasks/<uuid:task_id>/evidence/<uuid:evidence_id>/",
        views.evidence_file,
        name="evidence_file",
    ),
    path("tasks/<uuid:task_id>/<slug:action>/", views.task_action, name="task_action"),
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    # The counter: filing an application on a citizen's behalf (counter.py).
    path("counter/", counter.start, name="counter"),
    path("counter/resume/", counter.resume, name="counter_resume"),
    path("counter/drafts/<uuid:draft_id>/evidence/", counter.evidence, name="counter_evidence"),
    path("counter/drafts/<uuid:draft_id>/check/", counter.check, name="counter_check"),
    path("counter/drafts/<uuid:draft_id>/people/", counter.people, name="counter_people"),
    path("counter/drafts/<uuid:draft_id>/<str:step>/", counter.draft_step, name="counter_step"),
    path("counter/applications/<uuid:application_id>/", counter.done, name="counter_done"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
]
