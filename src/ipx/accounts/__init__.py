"""Members: users, organisations, memberships, invitations and operator verification."""
