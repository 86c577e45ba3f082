"""The words of the mails about passwords and e-mail addresses, written after commit in each
recipient's language (``ipx.accounts.notices.mail``). Links carry their tokens only in the
mail; nothing here is stored."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.core.notices import Params, wording

CONFIRM_EMAIL = "account.confirm_email"
SIGN_UP_AGAIN = "account.sign_up_again"
RESET_LINK = "account.password_reset"
CHANGED_NOTICE = "account.password_changed"


def _confirm_title(params: Params) -> str:
    return _("Confirm your e-mail address for IPX")


def _confirm_body(params: Params) -> str:
    return _("To confirm that this address is yours, open %(link)s (valid for %(days)d days).\n"
             "If you did not sign up on IPX, ignore this mail.") % {"link": params["link"], "days": params["days"]}


def _again_title(params: Params) -> str:
    return _("Someone tried to sign up on IPX with your address")


def _again_body(params: Params) -> str:
    return _("Someone, perhaps you, tried to open a new IPX account with this e-mail address, which has "
             "one already. Nothing was changed.\nTo log in, open %(login)s. If you forgot your password, "
             "choose a new one at %(reset)s.\nIf it was not you, you can ignore this mail.") % {
        "login": params["login"], "reset": params["reset"]}


def _reset_title(params: Params) -> str:
    return _("Choose a new IPX password")


def _reset_body(params: Params) -> str:
    return _("To choose a new password, open %(link)s (it works once, for %(minutes)d minutes).\n"
             "If you did not ask for this, ignore this mail: your password stays as it is.") % {
        "link": params["link"], "minutes": params["minutes"]}


def _changed_title(params: Params) -> str:
    return _("Your IPX password was changed")


def _changed_body(params: Params) -> str:
    return _("The password of your IPX account %(email)s was changed. If that was not you, choose a new "
             "password at once at %(reset)s and tell the exchange's operators.") % {
        "email": params["email"], "reset": params["reset"]}


wording(CONFIRM_EMAIL, title=_confirm_title, body=_confirm_body)
wording(SIGN_UP_AGAIN, title=_again_title, body=_again_body)
wording(RESET_LINK, title=_reset_title, body=_reset_body)
wording(CHANGED_NOTICE, title=_changed_title, body=_changed_body)
