from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="team-list"),
    path("new/", views.team_create, name="team-create"),
    path("my-actions/", views.my_actions, name="my-actions"),
    path("<int:team_id>/", views.team_detail, name="team-detail"),
    path("<int:team_id>/edit/", views.team_edit, name="team-edit"),
    path("<int:team_id>/roster/", views.team_roster, name="team-roster"),
    path("<int:team_id>/roster/<int:member_id>/", views.member_edit, name="member-edit"),
    path("<int:team_id>/roster/<int:member_id>/remove/", views.member_remove, name="member-remove"),
    path("<int:team_id>/goals/new/", views.goal_create, name="goal-create"),
    path("<int:team_id>/goals/<int:goal_id>/edit/", views.goal_edit, name="goal-edit"),
    path("<int:team_id>/catalogue/", views.metric_catalogue, name="metric-catalogue"),
    path("<int:team_id>/metrics/new/", views.metric_create, name="metric-create"),
    path("<int:team_id>/metrics/<int:metric_id>/", views.metric_detail, name="metric-detail"),
    path("<int:team_id>/metrics/<int:metric_id>/edit/", views.metric_edit, name="metric-edit"),
    path("<int:team_id>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("<int:team_id>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path(
        "<int:team_id>/actions/<int:action_id>/status/",
        views.action_status,
        name="action-status",
    ),
    path("<int:team_id>/sara/", views.sara_detail, name="sara-detail"),
    path("<int:team_id>/sara/print/", views.sara_print, name="sara-print"),
]
