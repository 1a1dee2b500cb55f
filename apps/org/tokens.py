"""The invitation link: a signed token naming the organisation and the invitation, carrying a random
part of which the database keeps only a hash.

The signature (Django's signing, keyed by SECRET_KEY) makes a forged or altered link fail before any
query; the organisation it names is the only one the link is ever looked up in; the hash makes the
link single-use and lets a resend kill the old link (a new random part replaces the hash).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing

SALT = "apps.org.invitation"


def token_digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def new_nonce() -> tuple[str, str]:
    """A fresh random part and the hash the database keeps of it."""
    nonce = secrets.token_urlsafe(32)
    return nonce, token_digest(nonce)


def link_token(*, tenant_id: int, invitation_id: int, nonce: str) -> str:
    return signing.dumps({"t": tenant_id, "i": invitation_id, "n": nonce}, salt=SALT)


@dataclass(frozen=True)
class LinkToken:
    tenant_id: int
    invitation_id: int
    digest: str


def read_link_token(value: str) -> LinkToken | None:
    """The link's parts, or None for anything not signed by us (forged, altered, truncated)."""
    try:
        data = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    tenant_id, invitation_id, nonce = data.get("t"), data.get("i"), data.get("n")
    if not (isinstance(tenant_id, int) and isinstance(invitation_id, int) and isinstance(nonce, str)):
        return None
    return LinkToken(tenant_id=tenant_id, invitation_id=invitation_id, digest=token_digest(nonce))
