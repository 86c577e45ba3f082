"""The demo's people: one login per role with a fixed e-mail address, an administrator for
every other organisation, all with one shared password that ``ipx demo`` prints."""

from __future__ import annotations

from dataclasses import dataclass

from ipx.accounts.inputs import InvitationInput, UserInput
from ipx.accounts.models import Membership, Organisation, User
from ipx.accounts.services import invitation_accept, invitation_create, user_register
from ipx.demo.organisations import ORGANISATIONS, OrgSpec

_PENDING = sum(org.status == Organisation.Status.PENDING for org in ORGANISATIONS)

# Printed by `ipx demo` for anyone trying the demo; never used outside demo data.
DEMO_PASSWORD = "ipx-demo-2026"  # noqa: S105
DOMAIN = "ipx.example"  # reserved for examples (RFC 2606): no mail can reach a real person


@dataclass(frozen=True, slots=True)
class RoleLogin:
    role: str
    full_name: str
    org_key: str | None  # the organisation this person belongs to, if any
    membership_role: str
    can: str  # what this login shows, for the table the command prints

    @property
    def email(self) -> str:
        return f"{self.role}@{DOMAIN}"


ROLE_LOGINS: tuple[RoleLogin, ...] = (
    RoleLogin("operator", "Demo Operator", None, "",
              "exchange staff and superuser: back-office at /admin/, verifies organisations "
              f"({_PENDING} pending), reviews listings awaiting review"),
    RoleLogin("owner", "Demo Owner", "owner", Membership.Role.ADMIN,
              "administrator of an enterprise holding patents, trademarks and software "
              "copyrights; its listings are drafts, awaiting review and published; a running pledge loan"),
    RoleLogin("university", "Demo University", "university", Membership.Role.ADMIN,
              "administrator of a university's technology-transfer office: licences and "
              "use-first-pay-later offers"),
    RoleLogin("buyer", "Demo Buyer", "buyer", Membership.Role.ADMIN,
              "administrator of an enterprise without IP: searches and buys; admitted to bid in the "
              "live auction, whose lots close one a minute from 8 minutes after loading"),
    RoleLogin("agent", "Demo Agent", "agent", Membership.Role.ADMIN,
              "administrator of an IP service agency; bids against the buyer in the live auction"),
    RoleLogin("banker", "Demo Banker", "banker", Membership.Role.ADMIN,
              "administrator of a bank: pledge loans offered, running, overdue, and one defaulted "
              "that the risk-compensation pool compensated"),
    RoleLogin("lender", "Demo Lender", "lender", Membership.Role.ADMIN,
              "administrator of a second bank: a loan application to answer, a running loan, a repaid one"),
    RoleLogin("insurer", "Demo Insurer", "insurer", Membership.Role.ADMIN,
              "administrator of an insurer: the pool's insurer, paid its share of a default"),
    RoleLogin("appraiser", "Demo Appraiser", "appraiser", Membership.Role.ADMIN,
              "administrator of an IP asset appraiser: a valuation request to answer, signed-off valuations"),
    RoleLogin("sponsor", "Demo Sponsor", "gov-ip", Membership.Role.ADMIN,
              "administrator of the government body sponsoring the risk-compensation pool: its members, "
              "loans covered and compensation paid"),
    RoleLogin("member", "Demo Member", "owner", Membership.Role.MEMBER,
              "member (not administrator) of the owner's enterprise: works on its listings, "
              "cannot invite"),
)
OPERATOR = ROLE_LOGINS[0]
ROLE_ADMIN_KEYS = {login.org_key: login for login in ROLE_LOGINS
                   if login.org_key and login.membership_role == Membership.Role.ADMIN}


def admin_email(org: OrgSpec) -> str:
    login = ROLE_ADMIN_KEYS.get(org.key)
    return login.email if login else f"{org.key}@{DOMAIN}"


def _admin_name(org: OrgSpec) -> str:
    login = ROLE_ADMIN_KEYS.get(org.key)
    if login:
        return login.full_name
    return f"Administrator, {org.name_en}" if org.name_en else f"{org.name} 管理员"


def demo_emails() -> list[str]:
    emails = [admin_email(org) for org in ORGANISATIONS]
    emails += [login.email for login in ROLE_LOGINS if login.email not in emails]
    return emails


def register_operator() -> User:
    operator = user_register(account=UserInput.parse(email=OPERATOR.email, password=DEMO_PASSWORD,
                                                     full_name=OPERATOR.full_name))
    # Operators are made by the exchange, not by sign-up; the back-office needs both flags.
    operator.is_staff = True
    operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    return operator


def register_admins() -> dict[str, User]:
    """An administrator for each organisation, keyed like the organisations."""
    return {
        org.key: user_register(account=UserInput.parse(email=admin_email(org), password=DEMO_PASSWORD,
                                                       full_name=_admin_name(org),
                                                       preferred_language=org.language))
        for org in ORGANISATIONS
    }


def add_members(admins: dict[str, User], organisations: dict[str, Organisation]) -> list[User]:
    """The non-administrator logins, invited by their organisation's administrator."""
    members = []
    for login in ROLE_LOGINS:
        if login.org_key is None or login.membership_role != Membership.Role.MEMBER:
            continue
        user = user_register(account=UserInput.parse(email=login.email, password=DEMO_PASSWORD,
                                                     full_name=login.full_name))
        invitation = invitation_create(organisation_id=organisations[login.org_key].pk,
                                       inviter=admins[login.org_key],
                                       invitation=InvitationInput.parse(email=login.email,
                                                                        role=login.membership_role))
        invitation_accept(token=invitation.token, user=user)
        members.append(user)
    return members
