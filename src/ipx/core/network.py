"""Where a request came from, as the exchange trusts it, and what it keeps of that."""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(value: str | None) -> str | None:
    """An IPv4 or IPv6 address in its canonical form, or None for anything else: the address
    is kept as evidence (an accepted NDA, a signature), so nothing unparsed is stored."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


@cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _trusted(address: str) -> bool:
    networks = _trusted_networks(tuple(settings.IPX_TRUSTED_PROXIES))
    parsed = ipaddress.ip_address(address)
    return any(parsed in network for network in networks)


def request_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer of the connection, unless that peer is one of our own
    reverse proxies (``IPX_TRUSTED_PROXIES``); then the right-most address in
    ``X-Forwarded-For`` that is not one of them. Addresses further left were written by the
    client itself and prove nothing, so a forged header cannot pick someone else's lockout."""
    peer = client_ip(request.META.get("REMOTE_ADDR"))
    if peer is None or not _trusted(peer):
        return peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = client_ip(hop)
        if address is None:
            # A hop our proxy did not write cleanly: stop at the last address we can vouch for.
            return peer
        if not _trusted(address):
            return address
        peer = address
    return peer
