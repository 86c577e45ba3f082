"""The data-IP registry's pages: anyone verifies a certificate (by its number, or following
its QR code) and reads the registry's public key; a certificate's PDF and signed JSON are its
registrant's members' and the operators' (404 to everyone else)."""

from __future__ import annotations

from .matrix import HIDE, LOGIN, OK, PUBLIC, Entry, every, ids, read_only

CERTIFICATE = ids(number=lambda world: world.dataip.certificate.number)
REGISTRANT = every(HIDE, anonymous=LOGIN, member=OK, signatory=OK, admin=OK, operator=OK)

ENTRIES: list[Entry] = [
    *read_only("dataip/verify/", PUBLIC, login=False),
    *read_only("dataip/verify/<str:number>/", PUBLIC, login=False, args=CERTIFICATE),
    *read_only(".well-known/ipx-dataip-key.pem", PUBLIC, login=False),
    *read_only("dataip/certificates/<str:number>.pdf", REGISTRANT, args=CERTIFICATE),
    *read_only("dataip/certificates/<str:number>.json", REGISTRANT, args=CERTIFICATE),
]
