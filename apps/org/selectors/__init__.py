"""Reads of the org app; one module per sub-area:

- visibility: who may see whom (the one helper every list uses), supervision, the member list;
- people: who may manage whom, the people pages' list, the choices a manager may offer;
- invitations: the invitations a viewer may see, and what an invitation link leads to;
- handover: what a hand-over would move, from every registered participant, and its refusals.

Callers outside the package import from here (`from apps.org.selectors import restrict_to_viewer`);
the sub-modules import each other directly, never through this file.
"""

from .handover import PartPreview, handover_preview, handover_refusal
from .invitations import (
    LinkProblem,
    LinkState,
    account_exists,
    invitation_for_link,
    invitation_list,
    membership_refusal,
    pending_invitation_count,
)
from .people import (
    PeopleRights,
    direct_reports,
    handover_recipients,
    manageable_people,
    manager_choices,
    may_manage_people,
    member_history,
    people_list,
    people_rights,
    team_choices,
)
from .visibility import (
    can_see_member,
    member_list,
    restrict_to_viewer,
    sees_everyone,
    supervises,
    team_subtree_ids,
    visible_member_ids,
)

__all__ = [
    # visibility
    "can_see_member",
    "member_list",
    "restrict_to_viewer",
    "sees_everyone",
    "supervises",
    "team_subtree_ids",
    "visible_member_ids",
    # people
    "PeopleRights",
    "direct_reports",
    "handover_recipients",
    "manageable_people",
    "manager_choices",
    "may_manage_people",
    "member_history",
    "people_list",
    "people_rights",
    "team_choices",
    # invitations
    "LinkProblem",
    "LinkState",
    "account_exists",
    "invitation_for_link",
    "invitation_list",
    "membership_refusal",
    "pending_invitation_count",
    # handover
    "PartPreview",
    "handover_preview",
    "handover_refusal",
]
