"""API tokens: what a new one is given (a name, its scopes, how long it lives), making, listing
and revoking them, and finding the token of a key.

A token holds scopes (``ApiToken.Scope``: read, write, money); which scope a request needs is
said in ``ipx.accounts.api_scopes`` and ``ipx.accounts.api_auth`` asks both. Keys are 256
random bits of which only a hash is kept (why a plain hash: ``ApiToken``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, ApiToken, User
from ipx.core.errors import NotFound, PermissionDenied, ValidationFailed
from ipx.core.prepared import PreparedQuery, field_paths, instance_and_related
from ipx.core.validation import FieldErrors, clean_text

Scope = ApiToken.Scope
# What a token gets unless its maker says otherwise: all it could do before scopes existed.
DEFAULT_SCOPES: tuple[str, ...] = (Scope.READ.value, Scope.WRITE.value)
# A token's key is used on every API request; its last use is written at most this often.
LAST_USE_PRECISION = timedelta(minutes=1)


# --- What a new token is given ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TokenInput:
    """An API token's name (which tells its owner's tokens apart), its scopes in ``Scope``
    order, and the days it lives (1 to ``API_TOKEN_MAX_DAYS``)."""

    name: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    expires_in_days: int = API_TOKEN_DEFAULT_DAYS

    @classmethod
    def parse(cls, *, name: object, scopes: object = DEFAULT_SCOPES,
              expires_in_days: object = API_TOKEN_DEFAULT_DAYS) -> TokenInput:
        errors = FieldErrors()
        token = cls(name=clean_text(name, field="name", errors=errors, max_length=100, label=_("Name")),
                    scopes=_read_scopes(scopes, errors),
                    expires_in_days=_read_days(expires_in_days, errors))
        errors.raise_if_any()
        return token


def _read_scopes(value: object, errors: FieldErrors) -> tuple[str, ...]:
    # One scope may come as a word; several as a list (the API) or a form's list.
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        errors.add("scopes", _("Choose at least one scope."))
        return ()
    chosen: set[str] = set()
    for item in items:
        text = str(item).strip()
        if text not in Scope.values:
            errors.add("scopes", _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                       % {"value": text, "allowed": ", ".join(Scope.values)})
            return ()
        chosen.add(text)
    if not chosen:
        errors.add("scopes", _("Choose at least one scope."))
    return tuple(scope for scope in Scope.values if scope in chosen)


def _read_days(value: object, errors: FieldErrors) -> int:
    # Whole ASCII numbers only: True, 1.5, "٣" and "1_0" are no number of days.
    if isinstance(value, int) and not isinstance(value, bool):
        days = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        days = int(value.strip())
    else:
        days = 0
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        errors.add("expires_in_days", _("A token lives from 1 to %(max)d days.") % {"max": API_TOKEN_MAX_DAYS})
    return days


# --- Reads ----------------------------------------------------------------------------------

def tokens_of(user: User) -> QuerySet[ApiToken]:
    """A user's tokens, the newest first (expired ones too, until revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


# Every API request signed with a token reads it: compiled once (see ipx.core.prepared).
_TOKEN_AND_USER = PreparedQuery(lambda p: ApiToken.objects.filter(key_hash=p.str("key_hash")).order_by().values_list(
    *field_paths(ApiToken), *field_paths(User, "user__")))


def api_token_for_key(key: str) -> ApiToken | None:
    """The token of a key, with its user, or None when there is none or its user may no
    longer sign in. An expired token is returned (the caller tells it apart) but its use is
    not recorded."""
    found = _TOKEN_AND_USER.rows(key_hash=ApiToken.hash_key(key))  # key_hash is unique: one row at most
    if not found:
        return None
    token, user = instance_and_related(found[0], ApiToken, User)
    token.user = user
    if not token.user.is_active:
        return None
    note_use(token)
    return token


def note_use(token: ApiToken) -> None:
    """Record that a token was used now, at most once per ``LAST_USE_PRECISION``; not for an
    expired token."""
    now = timezone.now()
    if token.expires_at > now and (token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Writes ---------------------------------------------------------------------------------

@transaction.atomic
def api_token_create(*, user: User, token: TokenInput, made_with: ApiToken | None = None) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again.

    A token made with another token (an API call signed with a token) holds no scope that one
    lacks and expires no later: otherwise a token could make itself a stronger or lasting heir."""
    expires_at = timezone.now() + timedelta(days=token.expires_in_days)
    if made_with is not None:
        missing = [scope for scope in token.scopes if not made_with.has_scope(scope)]
        if missing:
            message = _("A token can only make tokens with scopes it holds itself; it lacks: %(scopes)s.") % {
                "scopes": ", ".join(missing)}
            raise PermissionDenied(message, code="scope_required", fields={"scopes": message})
        if expires_at > made_with.expires_at:
            raise ValidationFailed.for_field("expires_in_days", _(
                "A token made with a token expires no later than that token, on %(date)s.")
                % {"date": timezone.localtime(made_with.expires_at).strftime("%Y-%m-%d %H:%M")})
    key = ApiToken.new_key()
    created = ApiToken.objects.create(user=user, name=token.name, key_hash=ApiToken.hash_key(key),
                                      scopes=list(token.scopes), expires_at=expires_at)
    return created, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    """Deletes one of the user's tokens: its key is refused from the next request on."""
    deleted, _rows = ApiToken.objects.filter(pk=token_id, user=user).delete()
    if not deleted:
        raise NotFound(_("No such token."))
