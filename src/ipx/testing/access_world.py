"""One small exchange in which every page and API endpoint has a real object to act on, and
the nine people of the access-and-rights matrix (``tests/access_matrix``).

The organisation at the centre is *home*: its administrator, a named signatory and a plain
(non-binding) member are three of the nine. Home sells to the *counterparty* and buys from
it; an IP agency acts for home in every negotiation; an *outsider*, a *bank*, an
*unverified* applicant and an *operator* have no part in any of it. Each workflow step has
an object in the state the step starts from (a draft to submit, a deal awaiting signatures,
a milestone held in escrow…), so that a role the step is meant for succeeds and every other
role is refused on the same object.

Rows are written through the services where a service makes them, so that they carry what
the exchange itself would write (events, contracts, ledger postings); factories write what
no service of this build creates directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from ipx.accounts import services as account_services
from ipx.accounts.inputs import InvitationInput
from ipx.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from ipx.accounts.passwords.services import confirmation_token
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.catalog.importing import services as import_services
from ipx.catalog.models import Asset, ImportJob
from ipx.deals.contracts import services as deal_services
from ipx.deals.models import Attachment, Deal, Offer, Thread
from ipx.deals.negotiation import messages as message_services
from ipx.deals.negotiation import offers as offer_services
from ipx.deals.negotiation import threads as thread_services
from ipx.listings import documents as document_services
from ipx.listings import services as listing_services
from ipx.listings.models import Listing, ListingDocument
from ipx.matching.demands import services as demand_services
from ipx.matching.demands.inputs import DemandInput
from ipx.matching.models import Demand, SavedSearch
from ipx.matching.saved_searches import services as saved_search_services
from ipx.matching.saved_searches.inputs import SavedSearchInput
from ipx.notifications.models import Notification
from ipx.search.services import rebuild_index
from ipx.testing.auction_world import DRAFT_TITLE, AuctionWorld, build_auction_world
from ipx.testing.dataip_world import DataIpWorld, build_dataip_world
from ipx.testing.expo_world import ExpoWorld, build_expo_world
from ipx.testing.factories import OrganisationFactory, PatentFactory, listing_with_patent
from ipx.testing.finance_world import POOL_NAME, FinanceWorld, build_finance_world
from ipx.testing.insurance_world import InsuranceWorld, build_insurance_world
from ipx.testing.reports_world import ReportsWorld, build_reports_world
from ipx.testing.scenes import (
    deal_in_two_milestones,
    deposit,
    offer_terms,
    person,
    published_listing,
    signed_by_both,
)
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world
from ipx.testing.upload_files import patent_csv, pdf_upload, png_upload

# The nine ways of standing before an object, in the matrix's column order.
ROLES = ("anonymous", "unverified", "outsider", "member", "signatory", "admin", "agent", "operator", "bank")

# Names that appear nowhere else, so that a list shows or hides its row for certain.
SECRETS = {
    "selling": "MX selling listing",  # also its thread's subject
    "draft": "MX draft listing",
    "sold": "MX sold listing",  # also its deal's and thread's
    "draft demand": "MX draft demand",
    "saved search": "MX saved search",
    "token": "MX member token",
    "nda document": "MX nda document",  # the title of the document behind the NDA
    "open document": "MX open document",  # of the document of a listing without one
    "draft auction": DRAFT_TITLE,  # an auction session being prepared
    "pool": POOL_NAME,  # a risk-compensation pool: its sponsor's, members' and operators'
}


@dataclass
class AccessWorld:
    people: dict[str, User | None]  # role → the user who plays it (None: anonymous)
    home: Organisation
    counterparty: Organisation
    agency: Organisation
    outsider: Organisation
    unverified: Organisation
    bank: Organisation
    rejected: Organisation  # resubmitted only by its own administrator, who is none of the nine
    counterparty_admin: User
    operator: User
    free_asset: Asset  # home's, in no listing: edited and deleted
    published: Listing  # home's, on offer, behind an NDA, with a document and an open offer to home
    draft: Listing
    submitted: Listing
    withdrawn: Listing
    document: ListingDocument
    open_document: ListingDocument  # of another published listing of home's, without an NDA
    selling: Thread  # home sells ``published`` to the counterparty; the agency acts for home
    buying: Thread  # home buys from the counterparty, with home's own open offer
    quiet: Thread  # home buys, no offer yet: a new offer may be made
    offer_to_home: Offer
    offer_from_home: Offer
    attachment: Attachment
    counterparty_listing: Listing  # published by the counterparty; home may inquire
    to_sign: Deal  # home sells; awaiting signatures
    intended: Deal  # home sells; an intended agreement to conclude
    sold: Deal  # home sells; signed by both, first milestone funded: recordal to enter
    bought: Deal  # home buys; signed, milestone 1 held (to release), milestone 2 pending (to fund)
    recorded: Deal  # home sold; recordal submitted, for the operator to check
    disputed: Deal  # home sells; signed, the counterparty asked the operators to cancel it
    agency2: Organisation  # a second agency, not yet acting anywhere: may be added to a thread
    demand: Demand  # home's, published
    draft_demand: Demand
    submitted_demand: Demand
    saved_search: SavedSearch  # the member's own
    import_job: ImportJob
    notification: Notification  # the member's own
    invitation: Invitation  # home invites the outsider's person
    member_token: ApiToken  # the member's own API token
    auctions: AuctionWorld  # a session in each state (``ipx.testing.auction_world``)
    finance: FinanceWorld  # valuations, loans and a pool in each state (``ipx.testing.finance_world``)
    insurance: InsuranceWorld  # a product, policies and claims in each state (``ipx.testing.insurance_world``)
    dataip: DataIpWorld  # home's data products (``ipx.testing.dataip_world``)
    expo: ExpoWorld  # two editions, home exhibiting in the past one (``ipx.testing.expo_world``)
    reports: ReportsWorld  # an edition with records, for its bulletin (``ipx.testing.reports_world``)
    # Home originates and services a product the bank is trustee of; the outsider and the agency
    # hold its senior notes (``ipx.testing.securitisation_world``).
    securitisation: SecuritisationWorld
    extras: dict[str, object] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.people[role]

    def own_organisation(self, role: str) -> Organisation | None:
        """The organisation a role acts for when it acts for its own."""
        return {
            "unverified": self.unverified,
            "outsider": self.outsider,
            "member": self.home,
            "signatory": self.home,
            "admin": self.home,
            "agent": self.agency,
            "bank": self.bank,
        }.get(role)


def build_access_world() -> AccessWorld:
    """Every row of the world; call inside a transaction the caller rolls back."""
    operator = person("operator@matrix.example", "Ophelia Operator", None, is_staff=True)
    home = OrganisationFactory.create(name="广州湾区电池科技有限公司")
    counterparty = OrganisationFactory.create(name="佛山新能源汽车有限公司")
    agency = OrganisationFactory.create(name="湾区知识产权代理事务所", kind=Organisation.Kind.AGENCY)
    agency2 = OrganisationFactory.create(name="深圳专利代理有限公司", kind=Organisation.Kind.AGENCY)
    outsider = OrganisationFactory.create(name="Outside Trading Ltd", region_kind="hk", province="", city="", uscc=None)
    unverified = OrganisationFactory.create(name="待审核科技有限公司", status=Organisation.Status.PENDING)
    bank = OrganisationFactory.create(name="湾区银行", kind=Organisation.Kind.FINANCIAL)
    rejected = OrganisationFactory.create(
        name="被驳回科技有限公司", status=Organisation.Status.REJECTED, rejection_reason="营业执照不清晰"
    )
    admin = person("admin@matrix.example", "Ada Admin", home)
    people: dict[str, User | None] = {
        "anonymous": None,
        "unverified": person("unverified@matrix.example", "Uma Unverified", unverified),
        "outsider": person("outsider@matrix.example", "Otto Outsider", outsider),
        "member": person("member@matrix.example", "Mia Member", home, role=Membership.Role.MEMBER),
        "signatory": person(
            "signatory@matrix.example", "Sid Signatory", home, role=Membership.Role.MEMBER, signatory=True
        ),
        "admin": admin,
        "agent": person("agent@matrix.example", "Alan Agent", agency),
        "operator": operator,
        "bank": person("banker@matrix.example", "Bai Banker", bank),
    }
    person("rejected@matrix.example", "Rex Rejected", rejected)
    counterparty_admin = person("seller@matrix.example", "Carl Counterparty", counterparty)

    free_asset = PatentFactory.create(asset__holder=home).asset
    published = published_listing(
        home, admin, operator, title=SECRETS["selling"], requires_nda=True, nda_text="双方对技术资料保密五年。"
    )
    document = document_services.listing_document_add(
        listing_id=published.pk, actor=admin, title=SECRETS["nda document"], file=pdf_upload()
    )
    without_nda = published_listing(home, admin, operator)
    open_document = document_services.listing_document_add(
        listing_id=without_nda.pk, actor=admin, title=SECRETS["open document"], file=pdf_upload("brochure.pdf")
    )
    draft = listing_with_patent(home, admin, title=SECRETS["draft"])
    submitted = listing_with_patent(home, admin)
    listing_services.listing_submit(listing_id=submitted.pk, actor=admin)
    withdrawn = published_listing(home, admin, operator)
    listing_services.listing_withdraw(listing_id=withdrawn.pk, actor=admin, reason="暂停出售")

    # Home sells ``published``: the counterparty inquired and offers; the agency acts for home.
    selling = thread_services.thread_open(
        listing_id=published.pk,
        actor=counterparty_admin,
        organisation_id=counterparty.pk,
        message="请问可以独占许可吗？",
    )
    thread_services.thread_agent_add(thread_id=selling.pk, actor=admin, organisation_id=agency.pk)
    message = message_services.message_post(
        thread_id=selling.pk, actor=counterparty_admin, body="附上我们的资质。", files=[png_upload()]
    )
    attachment = message.attachments.get()
    offer_to_home = offer_services.offer_make(thread_id=selling.pk, actor=counterparty_admin, terms=offer_terms())

    # Home buys from the counterparty: one thread with home's open offer, one without offers.
    counterparty_listing = published_listing(counterparty, counterparty_admin, operator)
    buying = thread_services.thread_open(
        listing_id=counterparty_listing.pk, actor=admin, organisation_id=home.pk, message="我们有意购买。"
    )
    thread_services.thread_agent_add(thread_id=buying.pk, actor=admin, organisation_id=agency.pk)
    offer_from_home = offer_services.offer_make(thread_id=buying.pk, actor=admin, terms=offer_terms())
    quiet_listing = published_listing(counterparty, counterparty_admin, operator)
    quiet = thread_services.thread_open(
        listing_id=quiet_listing.pk, actor=admin, organisation_id=home.pk, message="请发送技术资料。"
    )
    thread_services.thread_agent_add(thread_id=quiet.pk, actor=admin, organisation_id=agency.pk)

    def home_sells(**options: str) -> Deal:
        return deal_in_two_milestones(
            home,
            admin,
            counterparty,
            counterparty_admin,
            operator,
            agency,
            home_admin=admin,
            agent_side="seller",
            **options,
        )

    to_sign = home_sells()
    intended = home_sells(commitment="intended")
    deposit(counterparty, "1000000")
    sold = signed_by_both(home_sells(title=SECRETS["sold"]), admin, counterparty_admin)
    deal_services.milestone_fund(deal_id=sold.pk, position=1, actor=counterparty_admin)
    recorded = signed_by_both(home_sells(), admin, counterparty_admin)
    deal_services.milestone_fund(deal_id=recorded.pk, position=1, actor=counterparty_admin)
    deal_services.deal_submit_recordal(deal_id=recorded.pk, actor=admin, recordal_number="2023990000123")
    disputed = signed_by_both(home_sells(), admin, counterparty_admin)
    deal_services.deal_request_cancellation(
        deal_id=disputed.pk, actor=counterparty_admin, reason="对方未按期提供技术资料。"
    )
    bought = signed_by_both(
        deal_in_two_milestones(
            counterparty, counterparty_admin, home, admin, operator, agency, home_admin=admin, agent_side="buyer"
        ),
        counterparty_admin,
        admin,
    )
    deposit(home, "1000000")
    deal_services.milestone_fund(deal_id=bought.pk, position=1, actor=admin)

    demand_values = {
        "title": "寻找高安全性锂电池隔膜技术",
        "description": "我们需要一种在180摄氏度以上仍保持稳定的锂电池隔膜，用于电动汽车动力电池包。",
        "ipc_codes": ["H01M"],
        "budget_min_amount": "100000",
        "budget_max_amount": "500000",
        "budget_currency": "CNY",
        "region_kind": "mainland",
        "province": "44",
        "country": "",
        "deadline": timezone.localdate() + timedelta(days=90),
        "visibility": "public",
    }

    def new_demand(**changes: str) -> Demand:
        return demand_services.demand_create(
            organisation_id=home.pk, actor=admin, demand=DemandInput.parse({**demand_values, **changes})
        )

    demand = new_demand()
    demand_services.demand_submit(demand_id=demand.pk, actor=admin)
    demand = demand_services.demand_approve(demand_id=demand.pk, operator=operator)
    draft_demand = new_demand(title=SECRETS["draft demand"])
    submitted_demand = demand_services.demand_submit(demand_id=new_demand().pk, actor=admin)

    member = people["member"]
    outsider_user = people["outsider"]
    assert member is not None and outsider_user is not None
    saved_search = saved_search_services.saved_search_create(
        user=member, search=SavedSearchInput.parse(name=SECRETS["saved search"], query={"q": "锂电池"})
    )
    import_job = import_services.import_job_create(organisation_id=home.pk, actor=admin, uploaded_file=patent_csv())
    # The counterparty's message told every member of home.
    notification = Notification.objects.filter(user=member).order_by("pk").first()
    assert notification is not None
    invitation = account_services.invitation_create(
        organisation_id=home.pk,
        inviter=admin,
        invitation=InvitationInput.parse(email=outsider_user.email, role=Membership.Role.MEMBER),
    )

    member_token, _key = api_token_create(user=member, token=TokenInput.parse(name=SECRETS["token"]))
    auctions = build_auction_world(home=home, admin=admin, counterparty=counterparty,
                                   counterparty_admin=counterparty_admin, operator=operator)
    agent, banker = people["agent"], people["bank"]
    assert agent is not None and banker is not None
    finance = build_finance_world(home=home, admin=admin, agency=agency, agent=agent, bank=bank, banker=banker,
                                  operator=operator)
    insurer = people["bank"]
    assert insurer is not None
    insurance = build_insurance_world(home=home, admin=admin, bank=bank, banker=insurer)
    dataip = build_dataip_world(home=home, admin=admin, operator=operator, objector=outsider_user)
    expo = build_expo_world(home=home, admin=admin, operator=operator)
    reports = build_reports_world(operator=operator)
    securitisation = build_securitisation_world(
        originator=home, originator_admin=admin, trustee=bank, trustee_admin=banker, investor_a=outsider,
        investor_a_admin=outsider_user, investor_b=agency, investor_b_admin=agent, tag="mx")

    world = AccessWorld(
        people=people,
        home=home,
        counterparty=counterparty,
        agency=agency,
        outsider=outsider,
        unverified=unverified,
        bank=bank,
        rejected=rejected,
        counterparty_admin=counterparty_admin,
        operator=operator,
        free_asset=free_asset,
        published=published,
        draft=draft,
        submitted=submitted,
        withdrawn=withdrawn,
        document=document,
        open_document=open_document,
        selling=selling,
        buying=buying,
        quiet=quiet,
        offer_to_home=offer_to_home,
        offer_from_home=offer_from_home,
        attachment=attachment,
        counterparty_listing=counterparty_listing,
        to_sign=to_sign,
        intended=intended,
        sold=sold,
        bought=bought,
        recorded=recorded,
        demand=demand,
        draft_demand=draft_demand,
        submitted_demand=submitted_demand,
        saved_search=saved_search,
        import_job=import_job,
        notification=notification,
        invitation=invitation,
        disputed=disputed,
        agency2=agency2,
        member_token=member_token,
        auctions=auctions,
        finance=finance,
        insurance=insurance,
        dataip=dataip,
        expo=expo,
        reports=reports,
        securitisation=securitisation,
    )
    # The link a confirmation mail carries (the member's address is confirmed already).
    world.extras["confirmation_token"] = confirmation_token(member)
    # The index a running site has: built from these rows, with its stamp.
    rebuild_index()
    return world
