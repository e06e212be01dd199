from django.urls import path

from candidates import views

app_name = "candidates"
urlpatterns = [
    path("elections/<int:pk>/", views.election_detail, name="election_detail"),
    path("elections/<int:pk>/candidates/new/", views.candidacy_create, name="candidacy_create"),
    path("elections/<int:pk>/notices/", views.notice_save, name="notice_save"),
    path("elections/<int:pk>/steps/", views.step_create, name="step_create"),
    path("elections/<int:pk>/exclusions/", views.exclusion_create, name="exclusion_create"),
    path("elections/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("elections/<int:pk>/certify/", views.election_certify, name="election_certify"),
    path("elections/<int:pk>/unlock/", views.election_unlock, name="election_unlock"),
    path("id-check/", views.id_check, name="id_check"),
    path("candidacies/<int:pk>/", views.candidacy_detail, name="candidacy_detail"),
    path("candidacies/<int:pk>/edit/", views.candidacy_edit, name="candidacy_edit"),
    path("candidacies/<int:pk>/reviews/", views.review_record, name="review_record"),
    path("candidacies/<int:pk>/township-vote/", views.township_vote, name="township_vote"),
    path("candidacies/<int:pk>/advance/", views.candidacy_advance, name="candidacy_advance"),
    path("candidacies/<int:pk>/withdraw/", views.candidacy_withdraw, name="candidacy_withdraw"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("notices/<int:pk>/objections/", views.objection_create, name="objection_create"),
    path("objections/<int:pk>/settle/", views.objection_settle, name="objection_settle"),
    path("steps/<int:pk>/", views.step_edit, name="step_edit"),
    path("steps/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("exclusions/<int:pk>/delete/", views.exclusion_delete, name="exclusion_delete"),
    path("rounds/<int:pk>/tally/", views.tally_entry, name="tally_entry"),
    path("rounds/<int:pk>/reset/", views.tally_reset, name="tally_reset"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path(
        "elections/<int:pk>/candidates/export/", views.candidates_export, name="candidates_export"
    ),
    path("people/export/", views.people_export, name="people_export"),
    path("committees/export/", views.committee_export, name="committee_export"),
]
