from django.urls import path

from .views import handover, invitations, people

app_name = "people"
urlpatterns = [
    path("", people.people_list_view, name="list"),
    path("invite/", people.invite_view, name="invite"),
    path("invitations/", invitations.invitation_list_view, name="invitations"),
    path(
        "invitations/<int:invitation_id>/resend/",
        invitations.invitation_resend_view,
        name="invitation-resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitations.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path("<int:member_id>/", people.person_view, name="detail"),
    path("<int:member_id>/deactivate/", people.person_deactivate_view, name="deactivate"),
    path("<int:member_id>/reactivate/", people.person_reactivate_view, name="reactivate"),
    path("<int:member_id>/handover/", handover.handover_view, name="handover"),
]
