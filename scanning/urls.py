from django.urls import path

from scanning import views

app_name = "scanning"

urlpatterns = [
    path("", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity-edit"),
    path("inputs/<int:input_id>/edit/", views.input_edit, name="input-edit"),
    path("inputs/<int:input_id>/delete/", views.input_delete, name="input-delete"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<int:topic_id>/toggle/", views.topic_toggle, name="topic-toggle"),
    path("synthesis/", views.synthesis, name="synthesis"),
    path("synthesis/group/", views.inputs_assign, name="inputs-assign"),
    path("candidates/new/", views.candidate_create, name="candidate-create"),
    path("candidates/<int:candidate_id>/", views.candidate_detail, name="candidate-detail"),
    path("candidates/<int:candidate_id>/edit/", views.candidate_edit, name="candidate-edit"),
    path("candidates/<int:candidate_id>/merge/", views.candidate_merge, name="candidate-merge"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round-detail"),
    path("rounds/<int:round_id>/edit/", views.round_edit, name="round-edit"),
    path("rounds/<int:round_id>/open/", views.round_open, name="round-open"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round-close"),
    path("rounds/<int:round_id>/remind/", views.round_remind, name="round-remind"),
    path("rounds/<int:round_id>/ballot/", views.ballot_cast, name="ballot-cast"),
    path("rounds/<int:round_id>/decision/", views.decision_create, name="decision-create"),
    path("priorities/", views.priority_list, name="priority-list"),
    path("priorities/<int:priority_id>/", views.priority_detail, name="priority-detail"),
    path(
        "priorities/<int:priority_id>/start-team/",
        views.priority_start_team,
        name="priority-start-team",
    ),
]
