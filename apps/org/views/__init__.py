"""Pages of the org app: the people pages under /t/<slug>/people/ (people, invitations, hand-over)
and the public invitation page under /invitations/ (accept)."""
