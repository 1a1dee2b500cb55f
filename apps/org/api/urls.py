from .views import InvitationViewSet, MemberViewSet, RegionViewSet, TeamViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("members", MemberViewSet, basename="member")
    router.register("teams", TeamViewSet, basename="team")
    router.register("regions", RegionViewSet, basename="region")
    router.register("invitations", InvitationViewSet, basename="invitation")
