"""IP insurance in the API: insurers set up products and decide and pay claims; policyholders
ask for a policy (the answer is the quote: premium and cover by the product's rule), pay its
premium (which issues it) and file claims with evidence; operators read everything. Policies and
claims are read by the policyholder, the insurer and operators (404 to anyone else); each write
is one service, whose refusal is the usual error shape."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, HeaderEx, P, Router, Schema, Status, UploadedFile
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.core.api.schemas import ERRORS, Id, Page, PageNumber, PageSize, StoredFileOut, page_of
from ipx.core.api.types import IDEMPOTENCY_KEY, UPLOAD_RULE, CurrencyCode, InputSchema, OneOf, form_rules, rule
from ipx.core.files import private_file_response
from ipx.finance.insurance import selectors
from ipx.finance.models import Claim, InsuranceProduct, Policy
from ipx.finance.services import claims as claim_services
from ipx.finance.services import insurance as services
from ipx.ledger.idempotency import HEADER

router = Router(tags=["insurance"])

Amount = Annotated[str, Field(max_length=30, json_schema_extra=rule(
    "An amount above 0 and at most 10^12, with at most the currency's decimals."))]
OptionalAmount = Annotated[str, Field(max_length=30, json_schema_extra=rule(
    "Empty, or an amount as for the field's rule (0 allowed where the rule allows none)."))]
IdempotencyKey = HeaderEx[str, P(alias=HEADER, pattern=IDEMPOTENCY_KEY,
                                 description="A key unique to this payment; the same key when retrying it.")]


class InsurancePartyOut(Schema):
    id: int
    name: str


class InsuranceProductOut(Schema):
    id: int
    insurer: InsurancePartyOut
    name: str
    kind: str = Field(description="enforcement, loan_guarantee, infringement_liability or invalidation_defence.")
    description: str
    currency: str
    premium_rule: str = Field(description="per_asset (base + per IP right) or percent (of the cover).")
    premium_base: Decimal
    premium_per_asset: Decimal
    premium_percent: Decimal
    cover_rule: str = Field(description="fixed or multiple (of the premium).")
    cover_fixed: Decimal | None
    cover_multiple: Decimal | None
    term_months: int
    active: bool


class ProductIn(InputSchema):
    name: str = Field(max_length=200, json_schema_extra=rule("Required text, at most 200 characters."))
    kind: Annotated[str, OneOf(InsuranceProduct.Kind.values)]
    description: str = Field("", max_length=5000)
    currency: CurrencyCode = "CNY"
    premium_rule: Annotated[str, OneOf(InsuranceProduct.PremiumRule.values)]
    premium_base: OptionalAmount = Field("0", json_schema_extra=rule(
        "With premium_rule per_asset: an amount from 0; with premium_per_asset, not both 0."))
    premium_per_asset: OptionalAmount = Field("0", json_schema_extra=rule(
        "With premium_rule per_asset: an amount from 0."))
    premium_percent: str = Field("0", max_length=20, json_schema_extra=rule(
        "With premium_rule percent: a percentage from 0.01 to 50 with at most two decimals."))
    cover_rule: Annotated[str, OneOf(InsuranceProduct.CoverRule.values)]
    cover_fixed: OptionalAmount = Field("", json_schema_extra=rule("With cover_rule fixed: an amount above 0."))
    cover_multiple: str = Field("", max_length=20, json_schema_extra=rule(
        "With cover_rule multiple: 1 to 1000, at most two decimals; a percent premium needs a fixed cover."))
    term_months: int = Field(12, ge=1, le=services.MAX_TERM_MONTHS)
    active: bool = True

    def values(self) -> services.ProductValues:
        fields = self.model_dump(exclude={"insurer_id"})
        return services.ProductValues(**{**fields, "term_months": str(self.term_months)})


class ProductCreateIn(ProductIn):
    insurer_id: Id


class PolicyOut(Schema):
    id: int
    product: InsurancePartyOut
    kind: str
    insurer: InsurancePartyOut
    policyholder: InsurancePartyOut
    asset_ids: list[int]
    loan_id: int | None
    status: str = Field(description="requested (the quote), issued (in force), declined, cancelled or expired.")
    currency: str
    premium: Decimal
    cover: Decimal
    cover_left: Decimal = Field(description="The cover less what approved claims took.")
    months: int
    starts_on: date | None
    ends_on: date | None
    decline_reason: str
    actions: list[str] = Field(description="The caller's steps now: pay, cancel, decline, claim.")


class PolicyIn(InputSchema):
    policyholder_id: Id
    product_id: Id = Field(json_schema_extra=rule("A product on sale, of an insurer other than the policyholder."))
    asset_ids: list[Id] = Field(default_factory=list, max_length=100, json_schema_extra=rule(
        "The policyholder's own IP rights, one at least; none for a pledge-loan guarantee."))
    loan_id: Id | None = Field(None, json_schema_extra=rule(
        "For a pledge-loan guarantee only: an accepted or running loan the policyholder borrows or lends, in the "
        "product's currency, with no other guarantee."))
    cover: OptionalAmount = Field("", description="The cover asked; empty for the product's limit.",
                                  json_schema_extra=rule("Empty, or an amount above 0 within the product's limit "
                                                         "(and a guaranteed loan's amount)."))
    currency: CurrencyCode | None = Field(None, json_schema_extra=rule("The product's currency, when given."))


class InsuranceReasonIn(InputSchema):
    reason: str = Field(max_length=2000, json_schema_extra=rule("Required text."))


class ClaimOut(Schema):
    id: int
    policy_id: int
    status: str = Field(description="filed, approved, rejected or paid.")
    currency: str
    amount_claimed: Decimal
    amount_approved: Decimal | None
    description: str
    reason: str
    on_default_of_loan: int | None = Field(description="Made by the exchange as the guaranteed loan defaulted.")
    created_at: datetime
    paid_at: datetime | None
    evidence: list[StoredFileOut]
    actions: list[str] = Field(description="The caller's steps now: approve, reject, pay.")


class ApproveIn(InputSchema):
    amount: Amount


def _party(organisation: Any) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name}


def product_out(product: InsuranceProduct) -> dict[str, Any]:
    fields = ("id", "name", "kind", "description", "currency", "premium_rule", "premium_base", "premium_per_asset",
              "premium_percent", "cover_rule", "cover_fixed", "cover_multiple", "term_months", "active")
    return {**{name: getattr(product, name) for name in fields}, "insurer": _party(product.insurer)}


def policy_out(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    view = selectors.policy_view(api_user(request), policy_id)
    p: Policy = view.policy
    return {"id": p.pk, "product": {"id": p.product_id, "name": p.product.name}, "kind": p.product.kind,
            "insurer": _party(p.insurer), "policyholder": _party(p.policyholder),
            "asset_ids": sorted(p.asset_links.values_list("asset_id", flat=True)), "loan_id": p.loan_id,
            "status": p.status, "currency": p.currency, "premium": p.premium, "cover": p.cover,
            "cover_left": view.cover_left, "months": p.months, "starts_on": p.starts_on, "ends_on": p.ends_on,
            "decline_reason": p.decline_reason, "actions": view.actions}


def claim_out(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    view = selectors.claim_view(api_user(request), claim_id)
    c: Claim = view.claim
    return {"id": c.pk, "policy_id": c.policy_id, "status": c.status, "currency": c.policy.currency,
            "amount_claimed": c.amount_claimed, "amount_approved": c.amount_approved, "description": c.description,
            "reason": c.reason, "on_default_of_loan": c.policy.loan_id if c.filed_by_id is None else None,
            "created_at": c.created_at, "paid_at": c.paid_at, "evidence": view.evidence,
            "actions": view.actions}


# --- Products -------------------------------------------------------------------------------

@router.get("/finance/insurance/products", response={200: Page[InsuranceProductOut], **ERRORS}, auth=user_auth,
            summary="Insurance products on sale (and the caller's insurers' own ones)")
def product_list(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.products_for(api_user(request)), page, size, product_out)


@router.post("/finance/insurance/products", response={201: InsuranceProductOut, **ERRORS}, auth=user_auth,
             summary="Put a product on sale (a verified financial institution's signatories)")
def product_create(request: HttpRequest, payload: ProductCreateIn) -> Status[Any]:
    product = services.product_create(actor=api_user(request), insurer_id=payload.insurer_id,
                                      values=payload.values())
    return Status(201, product_out(product))


@router.get("/finance/insurance/products/{product_id}", response={200: InsuranceProductOut, **ERRORS}, auth=user_auth,
            summary="An insurance product")
def product_detail(request: HttpRequest, product_id: Id) -> dict[str, Any]:
    return product_out(selectors.product_for(api_user(request), product_id))


@router.put("/finance/insurance/products/{product_id}", response={200: InsuranceProductOut, **ERRORS}, auth=user_auth,
            summary="Change a product's terms or take it off sale (the insurer's signatories)",
            description="Quotes and policies made before keep their premium and cover.")
def product_update(request: HttpRequest, product_id: Id, payload: ProductIn) -> dict[str, Any]:
    user = api_user(request)
    selectors.product_for(user, product_id)
    return product_out(services.product_update(actor=user, product_id=product_id, values=payload.values()))


# --- Policies -------------------------------------------------------------------------------

@router.get("/finance/insurance/policies", response={200: Page[PolicyOut], **ERRORS}, auth=user_auth,
            summary="Policies the caller's organisations hold or write (operators: all)")
def policy_list(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    return page_of(selectors.visible_policies(api_user(request)), page, size,
                   lambda policy: policy_out(request, policy.pk))


@router.post("/finance/insurance/policies", response={201: PolicyOut, **ERRORS}, auth=user_auth,
             summary="Ask for a policy: the answer is the quote (premium and cover by the product's rule)",
             description="On the policyholder's own IP rights (asset_ids), or for a pledge-loan guarantee on a "
                         "loan it borrows or lends (loan_id). Paying the premium issues it.")
def policy_request(request: HttpRequest, payload: PolicyIn) -> Status[Any]:
    policy = services.policy_request(actor=api_user(request), policyholder_id=payload.policyholder_id,
                                     product_id=payload.product_id, asset_ids=payload.asset_ids,
                                     loan_id=payload.loan_id, cover=payload.cover, currency=payload.currency)
    return Status(201, policy_out(request, policy.pk))


@router.get("/finance/insurance/policies/{policy_id}", response={200: PolicyOut, **ERRORS}, auth=user_auth,
            summary="A policy (its policyholder, its insurer and operators)")
def policy_detail(request: HttpRequest, policy_id: Id) -> dict[str, Any]:
    return policy_out(request, policy_id)


@router.post("/finance/insurance/policies/{policy_id}/pay", response={200: PolicyOut, **ERRORS}, auth=user_auth,
             summary="Pay the premium to the insurer: the policy is issued (the policyholder's signatories)",
             description="Needs an `Idempotency-Key` header: a retry with the same key pays once; paying a policy "
                         "already paid is refused (409 paid_already), and so is a short balance.")
def policy_pay(request: HttpRequest, policy_id: Id, idempotency_key: IdempotencyKey) -> dict[str, Any]:
    user = api_user(request)
    selectors.policy_for(user, policy_id)
    services.policy_pay(actor=user, policy_id=policy_id, key=idempotency_key.strip())
    return policy_out(request, policy_id)


@router.post("/finance/insurance/policies/{policy_id}/cancel", response={200: PolicyOut, **ERRORS},
             auth=user_auth, summary="Drop a quote not paid (the policyholder)")
def policy_cancel(request: HttpRequest, policy_id: Id) -> dict[str, Any]:
    user = api_user(request)
    selectors.policy_for(user, policy_id)
    services.policy_cancel(actor=user, policy_id=policy_id)
    return policy_out(request, policy_id)


@router.post("/finance/insurance/policies/{policy_id}/decline", response={200: PolicyOut, **ERRORS},
             auth=user_auth, summary="Decline to cover what was asked, with a reason (the insurer's signatories)")
def policy_decline(request: HttpRequest, policy_id: Id, payload: InsuranceReasonIn) -> dict[str, Any]:
    user = api_user(request)
    selectors.policy_for(user, policy_id)
    services.policy_decline(actor=user, policy_id=policy_id, reason=payload.reason)
    return policy_out(request, policy_id)


# --- Claims ---------------------------------------------------------------------------------

@router.get("/finance/insurance/claims", response={200: Page[ClaimOut], **ERRORS}, auth=user_auth,
            summary="Claims on policies the caller's organisations hold or write (operators: all)")
def claim_list(request: HttpRequest, show: Annotated[str, OneOf(("all", "to_decide"))] = "all",
               page: PageNumber = 1, size: PageSize = 20) -> dict[str, Any]:
    user = api_user(request)
    rows = selectors.claims_to_decide(user) if show == "to_decide" else selectors.visible_claims(user)
    return page_of(rows, page, size, lambda claim: claim_out(request, claim.pk))


@router.post("/finance/insurance/policies/{policy_id}/claims", response={201: ClaimOut, **ERRORS},
             auth=user_auth, summary="File a claim on a policy in force, with evidence (multipart; the policyholder)",
             description="No more than the cover left; refused (409 policy_expired) once the policy's last day "
                         "has passed.",
             openapi_extra=form_rules(amount="An amount above 0, no more than the cover left.",
                                      description="Required text.", files=UPLOAD_RULE + " At most 5."))
def claim_file(request: HttpRequest, policy_id: Id, amount: str = Form("", max_length=30),
               description: str = Form("", max_length=10_000), currency: str = Form("", max_length=3),
               files: File[list[UploadedFile] | None] = None) -> Status[Any]:
    user = api_user(request)
    selectors.policy_for(user, policy_id)
    claim = claim_services.claim_file(actor=user, policy_id=policy_id, amount=amount, description=description,
                                      files=files or [], currency=currency)
    return Status(201, claim_out(request, claim.pk))


@router.get("/finance/insurance/claims/{claim_id}", response={200: ClaimOut, **ERRORS}, auth=user_auth,
            summary="A claim (the policyholder, the insurer and operators)")
def claim_detail(request: HttpRequest, claim_id: Id) -> dict[str, Any]:
    return claim_out(request, claim_id)


@router.post("/finance/insurance/claims/{claim_id}/approve", response={200: ClaimOut, **ERRORS}, auth=user_auth,
             summary="Approve an amount, no more than claimed nor the cover left (the insurer's signatories)")
def claim_approve(request: HttpRequest, claim_id: Id, payload: ApproveIn) -> dict[str, Any]:
    user = api_user(request)
    selectors.claim_for(user, claim_id)
    claim_services.claim_approve(actor=user, claim_id=claim_id, amount=payload.amount)
    return claim_out(request, claim_id)


@router.post("/finance/insurance/claims/{claim_id}/reject", response={200: ClaimOut, **ERRORS}, auth=user_auth,
             summary="Reject a claim with a reason (the insurer's signatories)")
def claim_reject(request: HttpRequest, claim_id: Id, payload: InsuranceReasonIn) -> dict[str, Any]:
    user = api_user(request)
    selectors.claim_for(user, claim_id)
    claim_services.claim_reject(actor=user, claim_id=claim_id, reason=payload.reason)
    return claim_out(request, claim_id)


@router.post("/finance/insurance/claims/{claim_id}/pay", response={200: ClaimOut, **ERRORS}, auth=user_auth,
             summary="Pay an approved claim from the insurer to the policyholder (the insurer's signatories)",
             description="Refused whole, nothing moved, when the insurer's balance is short (409).")
def claim_pay(request: HttpRequest, claim_id: Id) -> dict[str, Any]:
    user = api_user(request)
    selectors.claim_for(user, claim_id)
    claim_services.claim_pay(actor=user, claim_id=claim_id)
    return claim_out(request, claim_id)


@router.get("/finance/insurance/evidence/{evidence_id}", response={200: None, **ERRORS}, auth=user_auth,
            summary="Download a claim's evidence")
def evidence_download(request: HttpRequest, evidence_id: Id) -> HttpResponseBase:
    evidence = selectors.evidence_for(api_user(request), evidence_id)
    return private_file_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
