"""What the exchange keeps of a request's network origin."""

from __future__ import annotations

import ipaddress


def client_ip(value: str | None) -> str | None:
    """An IPv4 or IPv6 address in its canonical form, or None for anything else: the address
    is kept as evidence (an accepted NDA, a signature), so nothing unparsed is stored."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None
