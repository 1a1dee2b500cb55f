from rest_framework import permissions

from .models import Membership, Role


class IsTenantMember(permissions.BasePermission):
    """Authenticated through a membership; viewers read only."""

    def has_permission(self, request, view):
        membership = request.auth
        if not isinstance(membership, Membership):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        allowed = getattr(view, "write_roles", (Role.ADMIN, Role.MANAGER, Role.REP))
        return membership.role in allowed


class IsTenantAdmin(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, Membership) and request.auth.role == Role.ADMIN
