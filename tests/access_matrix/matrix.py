"""The pieces of the access-and-rights matrix: what an answer means (``Outcome``), one row of
the expectations table (``Entry``), the common rows' shapes (``every`` and the profiles), and
how a cell is sent and its answer classified."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.test import Client
from django.urls import reverse

from ipx.testing.access_world import ROLES, AccessWorld

if TYPE_CHECKING:
    # What the test client answers: a response with the request it answered.
    from django.test.client import _MonkeyPatchedWSGIResponse as Answer


class Outcome(StrEnum):
    OK = "ok"  # allowed: a read answers 200; a write 2xx or 3xx, with no error message
    MOVED = "moved"  # a read that sends the reader on (3xx, not to the log-in page)
    LOGIN = "login"  # not signed in: 401 from the API, the log-in page for pages
    DENY = "deny"  # 403: signed in, not theirs to do
    HIDE = "hide"  # 404: they must not even learn the object exists
    NOPE = "nope"  # 405: the method is not served here
    FLASH = "flash"  # a page refuses by going back with an error message (3xx); nothing changes
    FORM = "form"  # a page refuses on its form (400 with the service's refusal); nothing changes
    CONFLICT = "conflict"  # 409: allowed past the rights check, refused by the object's state
    THROTTLED = "throttled"  # 429


REFUSALS = frozenset(set(Outcome) - {Outcome.OK, Outcome.MOVED})
# The table's words for them.
OK, MOVED, LOGIN, DENY, HIDE, NOPE = (
    Outcome.OK,
    Outcome.MOVED,
    Outcome.LOGIN,
    Outcome.DENY,
    Outcome.HIDE,
    Outcome.NOPE,
)
FLASH, FORM, CONFLICT = Outcome.FLASH, Outcome.FORM, Outcome.CONFLICT


def every(default: Outcome, **roles: Outcome) -> dict[str, Outcome]:
    """One outcome per role: ``default`` for each role not named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {role: roles.get(role, default) for role in ROLES}


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


PARTY_ROLES = roles("member", "signatory", "admin", "agent", "operator")
HOME_ROLES = roles("member", "signatory", "admin")

# The shapes most rows take.
PUBLIC = every(OK)
SIGNED_IN = every(OK, anonymous=LOGIN)
HOME = {"member": OK, "signatory": OK, "admin": OK}
BINDING = {"member": DENY, "signatory": OK, "admin": OK}
# Anything of home's that only its members see (others are told no, the organisation is public).
HOME_ONLY = every(DENY, anonymous=LOGIN, **HOME)
HOME_OR_OPERATOR = every(DENY, anonymous=LOGIN, operator=OK, **HOME)
OPERATORS = every(DENY, anonymous=LOGIN, operator=OK)
# Negotiations and deals: the parties, their agents and operators; nobody else learns of them.
PARTIES = every(HIDE, anonymous=LOGIN, agent=OK, operator=OK, **HOME)
NOBODY_SIGNED_IN = every(DENY, anonymous=LOGIN)


Args = Callable[[AccessWorld], Mapping[str, object]]
Body = Callable[[AccessWorld, str], Any]


def no_args(world: AccessWorld) -> Mapping[str, object]:
    return {}


@dataclass(frozen=True)
class Entry:
    """One row: a route (an API path with its method, or a page's URL pattern), how to fill
    it and what each role must get.

    ``route``: the OpenAPI path (``/api/v1/listings/{listing_id}``) or the URL pattern as the
    resolver prints it (``listings/<id:listing_id>/edit/``). ``args`` gives its parameters
    from the world; ``body(world, role)`` what a write sends (JSON for the API unless
    ``multipart``, a form for pages); ``holes`` names the cells that are known to be wrong
    today, each with what should happen (they run as strict expected failures).
    """

    route: str
    method: str
    expect: Mapping[str, Outcome]
    args: Args = no_args
    body: Body | None = None
    query: str = ""
    variant: str = ""
    multipart: bool = False
    step_up: bool = False  # the API asks a current second-factor code with it (signing, payouts)
    # Roles whose request is answered as allowed but must change nothing (it names others' rows).
    untouched: frozenset[str] = frozenset()
    # A list: the name of a row (``access_world.SECRETS``) that only ``sees`` may find in it.
    secret: str = ""
    sees: frozenset[str] = frozenset()
    holes: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/api/")

    @property
    def key(self) -> tuple[str, str]:
        return (self.route, self.method)

    @property
    def name(self) -> str:
        variant = f"[{self.variant}]" if self.variant else ""
        return f"{self.method} {self.route}{variant}"

    def __post_init__(self) -> None:
        assert set(self.expect) == set(ROLES), f"{self.name}: every role needs an outcome"
        assert set(self.holes) <= set(ROLES), f"{self.name}: holes name roles"


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\{(?P<api>[^}]+)\}")


def fill(route: str, values: Mapping[str, object]) -> str:
    """The address of ``route`` with its parameters from ``values``."""

    def value(match: re.Match[str]) -> str:
        name = match.group("api") or match.group("name")
        assert name in values, f"{route}: no value for {name}"
        return str(values[name])

    path = _PARAMETER.sub(value, route)
    return path if path.startswith("/") else "/" + path


def login_url() -> str:
    return reverse(settings.LOGIN_URL)


def error_messages(response: Answer) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [str(m) for m in messages.get_messages(request) if m.level >= messages.ERROR]


def classify(response: Answer, *, api: bool, write: bool) -> Outcome | str:
    """The outcome an answer shows, or a description of an answer that fits none."""
    status = response.status_code
    simple = {
        401: Outcome.LOGIN,
        403: Outcome.DENY,
        404: Outcome.HIDE,
        405: Outcome.NOPE,
        409: Outcome.CONFLICT,
        429: Outcome.THROTTLED,
    }
    if status in simple:
        return simple[status]
    if 300 <= status < 400:
        location = response.get("Location", "")
        if not api and location.split("?")[0].endswith(login_url()):
            return Outcome.LOGIN
        if error_messages(response):
            return Outcome.FLASH
        return Outcome.OK if write else Outcome.MOVED
    if 200 <= status < 300:
        if write and error_messages(response):
            return Outcome.FLASH
        return Outcome.OK
    if status == 400 and not api and write:
        return Outcome.FORM
    return f"HTTP {status}: {excerpt(response)}"


def excerpt(response: Answer) -> str:
    if getattr(response, "streaming", False):
        return "(a file)"
    text = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return text[:300]
    found = re.findall(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>(.*?)</', text, flags=re.S)
    return " | ".join(" ".join(f.split()) for f in found)[:300] or text[:200]


def send(client: Client, entry: Entry, url: str, body: Any, headers: dict[str, str]) -> Answer:
    method = entry.method
    headers = dict(headers)
    if entry.is_api and method != "GET":
        # Money endpoints need one; the others ignore it.
        headers["Idempotency-Key"] = uuid.uuid4().hex
    if method == "GET":
        return client.get(url + (f"?{entry.query}" if entry.query else ""), headers=headers)
    if entry.is_api and not entry.multipart:
        data = "" if body is None else json.dumps(body, default=str)
        return client.generic(method, url, data, content_type="application/json", headers=headers)
    if method == "POST":
        return client.post(url + (f"?{entry.query}" if entry.query else ""), data=body or {}, headers=headers)
    return client.generic(method, url, headers=headers)


def ids(**fields: str | Callable[[AccessWorld], object]) -> Args:
    """Parameters from the world: ``ids(listing_id="published")`` gives the published
    listing's id; a callable gives any other value."""

    def args(world: AccessWorld) -> Mapping[str, object]:
        return {
            name: source(world) if callable(source) else getattr(world, source).pk for name, source in fields.items()
        }

    return args


def const(value: Any) -> Body:
    """The same body whoever sends it."""
    return lambda world, role: value


# --- Pages: a GET and a POST entry for each address ------------------------------------------


def _not_served(login: bool) -> dict[str, Outcome]:
    return every(NOPE, anonymous=LOGIN) if login else every(NOPE)


def read_only(route: str, expect: Mapping[str, Outcome], *, login: bool = True, **options: Any) -> list[Entry]:
    """A page that is only read: its POST is not served (after the log-in check, if any)."""
    post_options = {k: v for k, v in options.items() if k in ("args", "variant")}
    return [Entry(route, "GET", expect, **options), Entry(route, "POST", _not_served(login), **post_options)]


def post_only(route: str, expect: Mapping[str, Outcome], *, login: bool = True, **options: Any) -> list[Entry]:
    """A button's address: only POST is served."""
    get_options = {k: v for k, v in options.items() if k in ("args", "variant")}
    return [Entry(route, "GET", _not_served(login), **get_options), Entry(route, "POST", expect, **options)]


def form_page(
    route: str,
    get: Mapping[str, Outcome],
    post: Mapping[str, Outcome],
    *,
    post_holes: Mapping[str, str] | None = None,
    **options: Any,
) -> list[Entry]:
    """A page with a form: GET shows it, POST sends it (``body``)."""
    get_options = {k: v for k, v in options.items() if k in ("args", "variant", "query")}
    return [Entry(route, "GET", get, **get_options), Entry(route, "POST", post, holes=post_holes or {}, **options)]
