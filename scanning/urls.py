from django.urls import path

from scanning.views import activities, candidates, priorities, rounds

app_name = "scanning"

urlpatterns = [
    path("", activities.activity_list, name="activity-list"),
    path("activities/new/", activities.activity_create, name="activity-create"),
    path("activities/<int:activity_id>/", activities.activity_detail, name="activity-detail"),
    path("activities/<int:activity_id>/edit/", activities.activity_edit, name="activity-edit"),
    path("inputs/<int:input_id>/edit/", activities.input_edit, name="input-edit"),
    path("inputs/<int:input_id>/delete/", activities.input_delete, name="input-delete"),
    path("topics/", activities.topic_list, name="topic-list"),
    path("topics/<int:topic_id>/toggle/", activities.topic_toggle, name="topic-toggle"),
    path("synthesis/", candidates.synthesis, name="synthesis"),
    path("synthesis/group/", candidates.inputs_assign, name="inputs-assign"),
    path("candidates/new/", candidates.candidate_create, name="candidate-create"),
    path("candidates/<int:candidate_id>/", candidates.candidate_detail, name="candidate-detail"),
    path("candidates/<int:candidate_id>/edit/", candidates.candidate_edit, name="candidate-edit"),
    path(
        "candidates/<int:candidate_id>/merge/", candidates.candidate_merge, name="candidate-merge"
    ),
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/new/", rounds.round_create, name="round-create"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round-detail"),
    path("rounds/<int:round_id>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:round_id>/open/", rounds.round_open, name="round-open"),
    path("rounds/<int:round_id>/close/", rounds.round_close, name="round-close"),
    path("rounds/<int:round_id>/remind/", rounds.round_remind, name="round-remind"),
    path("rounds/<int:round_id>/record/", rounds.round_record, name="round-record"),
    path(
        "rounds/<int:round_id>/record.json",
        rounds.round_record_download,
        name="round-record-download",
    ),
    path("rounds/<int:round_id>/ballot/", rounds.ballot_cast, name="ballot-cast"),
    path("rounds/<int:round_id>/decision/", rounds.decision_create, name="decision-create"),
    path("priorities/", priorities.priority_list, name="priority-list"),
    path("priorities/<int:priority_id>/", priorities.priority_detail, name="priority-detail"),
    path(
        "priorities/<int:priority_id>/start-team/",
        priorities.priority_start_team,
        name="priority-start-team",
    ),
]
