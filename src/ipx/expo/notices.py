"""What the expo tells an exhibitor: where its booth is, once the operators assign or move it
(in the reader's language when read or mailed; the edition's, hall's and booth's names are
kept in the params, so the notice reads the same later on)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.notices import Params, wording
from ipx.expo.models import Exhibitor
from ipx.notifications.services import notify


def tell_booth(exhibitor: Exhibitor, *, actor: User) -> None:
    """The exhibitor's members hear of its booth (or that it has none now)."""
    edition = exhibitor.edition
    notify(verb="expo.booth_assigned", organisations=[exhibitor.organisation], exclude=actor,
           url=f"/expo/{edition.slug}/booths/{exhibitor.pk}/",
           params={"edition": edition.name, "hall": exhibitor.hall.name if exhibitor.hall else "",
                   "booth": exhibitor.booth})


def _where(p: Params) -> str:
    if not p["booth"]:
        return _("%(edition)s: your booth was withdrawn; the operators will assign another.") % p
    if p["hall"]:
        return _("%(edition)s: your booth is %(booth)s in %(hall)s.") % p
    return _("%(edition)s: your booth is %(booth)s.") % p


wording(
    "expo.booth_assigned",
    title=lambda p: _("Your booth at %(edition)s") % p,
    body=_where,
)
