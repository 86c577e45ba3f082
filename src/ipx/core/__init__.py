"""Small shared building blocks used by every domain app (errors, money, pagination)."""
