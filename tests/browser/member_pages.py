"""The signed-in pages the browser audits visit: who signs in, and where they go.

Every page a signed-in member of an organisation can reach, and the expo's back-office pages
of the operator (the other back-office pages are not audited), drawn from the access-and-rights
world of ``public_pages.build_scene``.
Most pages are seen by home's administrator, who has the most to see (owner's buttons, forms,
money); the other roles visit the pages that look different for them. Pages of later work
join ``SIGNED_IN_PAGES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .public_pages import Scene


@dataclass(frozen=True)
class MemberPage:
    role: str  # a role of the access world (``ipx.testing.access_world.ROLES``)
    name: str
    path: Callable[[Scene], str]

    @property
    def key(self) -> str:
        return f"{self.role}: {self.name}"


ABS = "/finance/securitisation"


def _admin(name: str, path: Callable[[Scene], str]) -> MemberPage:
    return MemberPage("admin", name, path)


SIGNED_IN_PAGES = [
    _admin("home", lambda s: "/"),
    _admin("my organisation", lambda s: "/my/"),
    _admin("search", lambda s: "/search/?q=锂电池"),
    _admin("listing", lambda s: f"/listings/{s.world.published.pk}/"),
    _admin("draft listing", lambda s: f"/listings/{s.world.draft.pk}/"),
    _admin("new listing", lambda s: "/listings/new/"),
    _admin("listing edit", lambda s: f"/listings/{s.world.draft.pk}/edit/"),
    _admin("listing documents", lambda s: f"/listings/{s.world.published.pk}/documents/"),
    _admin("my assets", lambda s: "/catalog/assets/"),
    _admin("asset", lambda s: f"/catalog/assets/{s.world.free_asset.pk}/"),
    _admin("new asset", lambda s: "/catalog/assets/new/"),
    _admin("asset edit", lambda s: f"/catalog/assets/{s.world.free_asset.pk}/edit/"),
    _admin("import", lambda s: "/catalog/imports/new/"),
    _admin("import job", lambda s: f"/catalog/imports/{s.world.import_job.pk}/"),
    _admin("booth", lambda s: f"/booths/{s.world.home.pk}/"),
    _admin("demand board", lambda s: "/demands/"),
    _admin("my demands", lambda s: "/demands/mine/"),
    _admin("demand", lambda s: f"/demands/{s.world.demand.pk}/"),
    _admin("new demand", lambda s: "/demands/new/"),
    _admin("demand edit", lambda s: f"/demands/{s.world.draft_demand.pk}/edit/"),
    _admin("demand's matches", lambda s: f"/demands/{s.world.demand.pk}/matches/"),
    _admin("listing's matches", lambda s: f"/demands/for-listing/{s.world.published.pk}/"),
    _admin("negotiations", lambda s: "/negotiations/"),
    _admin("negotiation selling", lambda s: f"/negotiations/{s.world.selling.pk}/"),
    _admin("negotiation buying", lambda s: f"/negotiations/{s.world.buying.pk}/"),
    _admin("offer form", lambda s: f"/negotiations/{s.world.quiet.pk}/offers/new/"),
    _admin("counter-offer form", lambda s: f"/negotiations/offers/{s.world.offer_to_home.pk}/counter/"),
    _admin("deals", lambda s: "/deals/"),
    _admin("deal", lambda s: f"/deals/{s.world.sold.pk}/"),
    _admin("deal to sign", lambda s: f"/deals/{s.world.to_sign.pk}/"),
    _admin("deal bought", lambda s: f"/deals/{s.world.bought.pk}/"),
    _admin("ledger", lambda s: "/ledger/"),
    _admin("statement", lambda s: f"/ledger/{s.world.home.pk}/"),
    _admin("notifications", lambda s: "/notifications/"),
    _admin("members", lambda s: "/accounts/organisation/members/"),
    _admin("organisation edit", lambda s: "/accounts/organisation/edit/"),
    _admin("invite", lambda s: "/accounts/organisation/invite/"),
    _admin("security", lambda s: "/accounts/mfa/"),
    _admin("sessions", lambda s: "/accounts/sessions/"),
    _admin("password", lambda s: "/accounts/password/"),
    _admin("auction session to apply to", lambda s: f"/auctions/{s.world.auctions.announced.pk}/"),
    _admin("auction lot to bid on", lambda s: f"/auctions/lots/{s.world.auctions.open_lot.pk}/"),
    _admin("finance", lambda s: "/finance/"),
    _admin("valuation signed off", lambda s: f"/finance/valuations/{s.world.finance.signed.pk}/"),
    _admin("new valuation", lambda s: "/finance/valuations/new/"),
    _admin("new loan", lambda s: "/finance/loans/new/"),
    _admin("loan offered", lambda s: f"/finance/loans/{s.world.finance.offered.pk}/"),
    _admin("loan running", lambda s: f"/finance/loans/{s.world.finance.active.pk}/"),
    _admin("repay early", lambda s: f"/finance/loans/{s.world.finance.current.pk}/prepay/"),
    _admin("pledge number", lambda s: f"/finance/loans/{s.world.finance.accepted.pk}/pledge/"),
    _admin("pool", lambda s: f"/finance/pools/{s.world.finance.pool.pk}/"),
    MemberPage("agent", "finance", lambda s: "/finance/"),
    MemberPage("agent", "valuation request", lambda s: f"/finance/valuations/{s.world.finance.requested.pk}/"),
    MemberPage("agent", "valuation being valued", lambda s: f"/finance/valuations/{s.world.finance.in_progress.pk}/"),
    MemberPage("agent", "income approach", lambda s: f"/finance/valuations/{s.world.finance.in_progress.pk}/income/"),
    MemberPage("agent", "market approach", lambda s: f"/finance/valuations/{s.world.finance.in_progress.pk}/market/"),
    MemberPage("agent", "sign-off", lambda s: f"/finance/valuations/{s.world.finance.in_progress.pk}/sign-off/"),
    MemberPage("bank", "finance", lambda s: "/finance/"),
    MemberPage("bank", "loan application", lambda s: f"/finance/loans/{s.world.finance.applied.pk}/"),
    MemberPage("bank", "loan offer", lambda s: f"/finance/loans/{s.world.finance.applied.pk}/offer/"),
    MemberPage("bank", "loan defaulted", lambda s: f"/finance/loans/{s.world.finance.defaulted.pk}/"),
    MemberPage("bank", "pool enrolment", lambda s: f"/finance/loans/{s.world.finance.accepted.pk}/enrol/"),
    _admin("insurance", lambda s: "/finance/insurance/"),
    _admin("insurance quote form", lambda s: f"/finance/insurance/products/{s.world.insurance.product.pk}/"),
    _admin("insurance quote", lambda s: f"/finance/insurance/policies/{s.world.insurance.quote.pk}/"),
    _admin("insurance policy in force", lambda s: f"/finance/insurance/policies/{s.world.insurance.in_force.pk}/"),
    _admin("insurance claim form", lambda s: f"/finance/insurance/policies/{s.world.insurance.in_force.pk}/claim/"),
    _admin("insurance claim filed", lambda s: f"/finance/insurance/claims/{s.world.insurance.filed.pk}/"),
    MemberPage("bank", "insurance", lambda s: "/finance/insurance/"),
    MemberPage("bank", "new insurance product", lambda s: "/finance/insurance/products/new/"),
    MemberPage("bank", "insurance product edit",
               lambda s: f"/finance/insurance/products/{s.world.insurance.product.pk}/edit/"),
    MemberPage("bank", "insurance claim to decide",
               lambda s: f"/finance/insurance/claims/{s.world.insurance.filed.pk}/"),
    MemberPage("bank", "insurance claim to pay",
               lambda s: f"/finance/insurance/claims/{s.world.insurance.approved.pk}/"),
    _admin("dataip products", lambda s: "/dataip/products/"),
    _admin("dataip new product", lambda s: "/dataip/products/new/"),
    _admin("dataip draft", lambda s: f"/dataip/products/{s.world.dataip.draft.pk}/"),
    _admin("dataip draft edit", lambda s: f"/dataip/products/{s.world.dataip.draft.pk}/edit/"),
    _admin("dataip in publicity", lambda s: f"/dataip/products/{s.world.dataip.publicity.pk}/"),
    _admin("dataip registered", lambda s: f"/dataip/products/{s.world.dataip.granted.pk}/"),
    _admin("dataip change form", lambda s: f"/dataip/products/{s.world.dataip.granted.pk}/change/"),
    MemberPage("outsider", "dataip objection form", lambda s: f"/dataip/publicity/{s.world.dataip.publicity.pk}/"),
    # Securitisation: home originates and services, the bank is trustee, the outsider and the
    # agency hold the serviced product's senior notes; the products before issue are home's.
    _admin("securitisation", lambda s: f"{ABS}/"),
    _admin("new securitisation", lambda s: f"{ABS}/new/"),
    _admin("new receivable", lambda s: f"{ABS}/receivables/new/"),
    _admin("receivable", lambda s: f"{ABS}/receivables/{s.world.securitisation.late.pk}/"),
    _admin("securitisation serviced", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/"),
    _admin("securitisation pool", lambda s: f"{ABS}/{s.before_issue.pooled.pk}/pool/"),
    _admin("securitisation structure", lambda s: f"{ABS}/{s.before_issue.offered.pk}/structure/"),
    _admin("securitisation projections", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/projection/"),
    _admin("securitisation collections", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/collections/"),
    _admin("securitisation period", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/periods/1/"),
    _admin("securitisation on offer", lambda s: f"{ABS}/{s.before_issue.offered.pk}/"),
    MemberPage("bank", "securitisation serviced", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/"),
    MemberPage("bank", "securitisation period", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/periods/1/"),
    MemberPage("outsider", "securitisation", lambda s: f"{ABS}/"),
    MemberPage("outsider", "securitisation held", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/"),
    MemberPage("outsider", "securitisation period",
               lambda s: f"{ABS}/{s.world.securitisation.product.pk}/periods/1/"),
    MemberPage("outsider", "securitisation on offer", lambda s: f"{ABS}/{s.before_issue.offered.pk}/"),
    MemberPage("agent", "securitisation held", lambda s: f"{ABS}/{s.world.securitisation.product.pk}/"),
    _admin("expo registration", lambda s: f"/expo/{s.world.expo.next.slug}/register/"),
    MemberPage("operator", "auction sessions", lambda s: "/auctions/"),  # with the bidders awaiting admission
    # The expo's back-office: the editions, the past edition laid out, its exhibitor and two events.
    MemberPage("operator", "expo back-office", lambda s: "/expo/manage/"),
    MemberPage("operator", "expo edition", lambda s: f"/expo/manage/{s.world.expo.past.slug}/"),
    MemberPage("operator", "expo exhibitor",
               lambda s: f"/expo/manage/{s.world.expo.past.slug}/exhibitors/{s.world.expo.exhibitor.pk}/"),
    MemberPage("operator", "expo live stream",
               lambda s: f"/expo/manage/{s.world.expo.past.slug}/events/{s.world.expo.stream.pk}/"),
    MemberPage("operator", "expo signing ceremony",
               lambda s: f"/expo/manage/{s.world.expo.past.slug}/events/{s.world.expo.ceremony.pk}/"),
    MemberPage("member", "notifications", lambda s: "/notifications/"),
    MemberPage("member", "saved searches", lambda s: "/saved-searches/"),
    MemberPage("member", "API tokens", lambda s: "/accounts/tokens/"),
    MemberPage("signatory", "deal to sign", lambda s: f"/deals/{s.world.to_sign.pk}/"),
    MemberPage("agent", "negotiations", lambda s: "/negotiations/"),
    MemberPage("agent", "negotiation", lambda s: f"/negotiations/{s.world.selling.pk}/"),
    MemberPage("agent", "my organisation", lambda s: "/my/"),
    MemberPage("bank", "my organisation", lambda s: "/my/"),
    MemberPage("bank", "statement", lambda s: f"/ledger/{s.world.bank.pk}/"),
    MemberPage("outsider", "listing behind an NDA", lambda s: f"/listings/{s.world.published.pk}/"),
    MemberPage("outsider", "invitation", lambda s: f"/accounts/invitations/{s.world.invitation.token}/"),
    MemberPage("unverified", "my organisation", lambda s: "/my/"),
    MemberPage("unverified", "organisation edit", lambda s: "/accounts/organisation/edit/"),
]

# Pages of forms the audits do not visit as they are (operators' among them), where a form is
# sent with bad input (``audit/test_every_form_errors.py``).
FORM_PAGES = [
    _admin("demand close", lambda s: f"/demands/{s.world.demand.pk}/close/"),
    MemberPage("operator", "new lot", lambda s: f"/auctions/{s.world.auctions.announced.pk}/lots/new/"),
    MemberPage("operator", "session to cancel", lambda s: f"/auctions/{s.world.auctions.announced.pk}/"),
    MemberPage("operator", "lot controls", lambda s: f"/auctions/lots/{s.world.auctions.open_lot.pk}/"),
    MemberPage("operator", "recordal to check", lambda s: f"/deals/{s.world.recorded.pk}/"),
    MemberPage("operator", "deal disputed", lambda s: f"/deals/{s.world.disputed.pk}/"),
    MemberPage("operator", "lost lot", lambda s: f"/auctions/lots/{s.world.auctions.lost_lot.pk}/"),
    MemberPage("agent", "cost approach", lambda s: f"/finance/valuations/{s.world.finance.in_progress.pk}/cost/"),
    _admin("attach a valuation", lambda s: f"/finance/loans/{s.world.finance.applied.pk}/valuation/"),
    MemberPage("operator", "pledge to check", lambda s: f"/finance/loans/{s.world.finance.submitted.pk}/"),
    MemberPage("bank", "quote to decide", lambda s: f"/finance/insurance/policies/{s.world.insurance.quote.pk}/"),
    MemberPage("bank", "recovery", lambda s: f"/finance/loans/{s.world.finance.defaulted.pk}/recover/"),
    MemberPage("operator", "dataip to check", lambda s: f"/dataip/products/{s.world.dataip.formal.pk}/"),
    MemberPage("operator", "dataip change asked", lambda s: f"/dataip/products/{s.world.dataip.change.pk}/"),
    MemberPage("operator", "dataip objected to", lambda s: f"/dataip/products/{s.world.dataip.publicity.pk}/"),
    # The pool's sponsor is none of the matrix's roles (``ipx.testing.finance_world``).
    MemberPage("sponsor", "new pool", lambda s: "/finance/pools/new/"),
    MemberPage("sponsor", "admit to the pool", lambda s: f"/finance/pools/{s.world.finance.pool.pk}/admit/"),
    MemberPage("operator", "organisation to verify", lambda s: f"/accounts/organisations/{s.world.unverified.pk}/"),
]

ROLES_SIGNED_IN = tuple(dict.fromkeys(page.role for page in SIGNED_IN_PAGES))
