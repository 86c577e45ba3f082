"""Writes about passwords and e-mail addresses.

- A person who signs up gets a signed link to confirm their address; until they follow it they
  may sign in, but not bind an organisation (``Membership.binds``), register another one, or
  have theirs verified or resubmitted (``accounts.workflow``).
- A reset is asked for by address and answered the same whether an account has that address or
  not; the link (Django's token: one use, ``PASSWORD_RESET_TIMEOUT``) is mailed after commit.
- A password is changed with the current one; either way the owner is told by mail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ipx.accounts import notices
from ipx.accounts.models import ApiToken, User
from ipx.accounts.passwords import notices as words
from ipx.accounts.security import lockout, log
from ipx.core.errors import ValidationFailed
from ipx.core.validation import FieldErrors
from ipx.tasks.runner import enqueue

_CONFIRMATION_SALT = "ipx.accounts.confirm-email"


def _site(path: str) -> str:
    return f"{settings.IPX_SITE_URL}{path}"


# --- Confirming the e-mail address -----------------------------------------------------------

def confirmation_token(user: User) -> str:
    """A signed, dated token naming the account and the address it confirms: a link made for
    an earlier address does not confirm a later one."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=_CONFIRMATION_SALT, compress=True)


def email_confirmation_send(*, user: User) -> None:
    """Mail ``user`` a link that confirms their address (after commit); nothing if it is."""
    if user.email_confirmed:
        return
    link = _site(reverse("accounts:confirm_email", args=[confirmation_token(user)]))
    notices.mail([user], words.CONFIRM_EMAIL, {"link": link, "days": settings.IPX_EMAIL_CONFIRMATION_DAYS})


def confirmation_user(token: str) -> User:
    """The account a confirmation token names, or ValidationFailed if the link is forged,
    expired, or was made for another address."""
    invalid = ValidationFailed(_("This confirmation link is not valid or has expired; ask for a new one."),
                               code="invalid_link")
    try:
        payload = signing.loads(token, salt=_CONFIRMATION_SALT,
                                max_age=settings.IPX_EMAIL_CONFIRMATION_DAYS * 24 * 3600)
    except signing.BadSignature:
        raise invalid from None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise invalid
    user = User.objects.filter(pk=payload["user"], is_active=True).first()
    if user is None or user.email != payload.get("email"):
        raise invalid
    return user


@transaction.atomic
def email_confirm(*, token: str, request: HttpRequest | None = None) -> User:
    """Confirm the address a token was made for; a second use changes nothing."""
    user = confirmation_user(token)
    confirmed = mark_email_confirmed(user)
    if confirmed:
        log.record(log.EMAIL_CONFIRMED, request=request, user_id=user.pk, email=user.email)
    return user


def mark_email_confirmed(user: User) -> bool:
    """Note that ``user`` reads mail at their address (a confirmation link, an invitation or a
    reset link sent there was followed). Whether anything changed."""
    if user.email_confirmed:
        return False
    user.email_confirmed_at = timezone.now()
    User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=user.email_confirmed_at)
    return True


# --- Resetting and changing the password -----------------------------------------------------

def reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _site(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def password_reset_request(*, email: str, request: HttpRequest | None = None) -> None:
    """Have a reset link mailed to the active accounts at ``email`` that have a password.
    Looking the address up and mailing happen in a background task, queued whatever the
    address: the request does the same work, in the same time, for a known address and an
    unknown one, so neither its answer nor its timing tells them apart."""
    address = email.strip().lower()
    log.record(log.RESET_REQUESTED, request=request, email=address)
    enqueue(password_reset_mail, email=address)


def password_reset_mail(*, email: str) -> None:
    """The background half of ``password_reset_request`` (mails nobody for an unknown address)."""
    for user in User.objects.filter(email__iexact=email, is_active=True):
        if user.has_usable_password():
            notices.mail([user], words.RESET_LINK, {
                "link": reset_link(user), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60})


def password_changed(*, user: User, request: HttpRequest | None, reset: bool) -> None:
    """What follows any new password: the security log, the account's API tokens revoked and a
    mail to the owner. A reset came through a link mailed to the address, which also confirms
    it. A new password is the owner's answer to a stolen one, and a token minted by whoever held
    it would otherwise outlive it (up to a year, possibly able to move money); the owner makes
    new tokens on the account page."""
    ApiToken.objects.filter(user=user).delete()
    log.record(log.CREDENTIAL_RESET if reset else log.CREDENTIAL_CHANGED, request=request, user_id=user.pk,
               email=user.email)
    if reset:
        mark_email_confirmed(user)
    notices.mail([user], words.CHANGED_NOTICE, {
        "email": user.email, "reset": _site(reverse("accounts:password_reset"))})


def _is_current_password(user: User, current: str, request: HttpRequest | None) -> bool:
    """Checked as a sign-in is (with the request): wrong guesses count towards the lockout, so
    a borrowed session cannot try passwords without end. Locked out: TooManyAttempts."""
    if request is None:
        return user.check_password(current)
    checked = authenticate(request, username=user.email, password=current)
    if checked is None and lockout.refused(request):
        raise lockout.TooManyAttempts(lockout.lockout_message())
    return checked is not None and checked.pk == user.pk


def password_change(*, user: User, current: str, new: str, request: HttpRequest | None = None) -> User:
    """A new password for a signed-in person, who proves it is them with the current one. The
    check runs outside the write's transaction, so that a refused guess stays counted."""
    errors = FieldErrors()
    if not _is_current_password(user, current, request):
        errors.add("current_password", _("Your current password is not correct."))
    try:
        validate_password(new, user)
    except ValidationError as exc:
        errors.add("new_password", " ".join(exc.messages))
    errors.raise_if_any()
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        password_changed(user=user, request=request, reset=False)
    return user
