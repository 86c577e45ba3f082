"""Writes of the data-IP registry, by concept: ``sequences`` (gap-free numbers),
``applications`` (draft, edit, apply, withdraw), ``review`` (formal and substantive checks,
publicity, objections, grant or refusal) and ``certificates`` (issue, change, renew, cancel,
revoke, export)."""
