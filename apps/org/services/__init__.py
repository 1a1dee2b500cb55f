"""Writes of the org app, the only code that changes its state; one module per sub-area:

- trees: the team tree, the region tree and the reporting line, each with its closure table;
- people: role, team, reporting line and employee number of a member; deactivation;
- invitations: inviting by mail, resending, revoking, and accepting a link;
- handover: moving a rep's customers, open plans and targets to another rep (客户交接);
- organisations: starting an organisation and inviting its first administrator.

Callers outside the package import from here (`from apps.org.services import closure_rebuild_all`);
the sub-modules import each other directly, never through this file.
"""

from .handover import handover_execute
from .invitations import (
    invitation_accept,
    invitation_accept_new_person,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations_expire,
)
from .organisations import organisation_start
from .people import membership_deactivate, membership_reactivate, membership_update
from .trees import (
    closure_rebuild,
    closure_rebuild_all,
    membership_set_manager,
    refuse_cycle,
    region_save,
    team_save,
)

__all__ = [
    # trees
    "closure_rebuild",
    "closure_rebuild_all",
    "membership_set_manager",
    "refuse_cycle",
    "region_save",
    "team_save",
    # people
    "membership_deactivate",
    "membership_reactivate",
    "membership_update",
    # invitations
    "invitation_accept",
    "invitation_accept_new_person",
    "invitation_create",
    "invitation_resend",
    "invitation_revoke",
    "invitations_expire",
    # handover
    "handover_execute",
    # organisations
    "organisation_start",
]
