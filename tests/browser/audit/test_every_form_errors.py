"""Every form a member fills, sent with bad input, comes back saying so to everyone: its summary
is announced (role="alert") and has the focus, each item leads to a control that is there and
marked, each control marked aria-invalid="true" is described by an error text that is there,
and the page with its errors passes the audit on a phone, and at the desktop width where no other
audit sees the page (the signed-in and public pages' audits see the others there).

One row per form (a member's, and the auction operator's): the page (a public page's name, or a
signed-in page's "role: name", the pages only forms need in ``member_pages.FORM_PAGES``), which
form on it, what to type where, and the controls the server must mark. A new form is one row.
The browser's own checks (``required``, ``type=email``) are switched off before sending, as a
browser without them would send: what is audited is the page the server sends back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import BrowserContext, Dialog, Page

from ipx.testing.second_factor import current_code

from ..member_pages import SIGNED_IN_PAGES
from ..public_pages import PUBLIC_PAGES
from .checks import open_in, problems_at_both_widths
from .conftest import SignedIn, Site

pytestmark = [pytest.mark.browser]


@dataclass(frozen=True)
class BadInput:
    name: str
    page: str  # a key of ``site.paths``; signed in as the role before the colon, if any
    form: str  # CSS selector of the form on the page
    fill: tuple[tuple[str, str], ...]  # (CSS selector of a control, what to type; "" empties it)
    invalid: frozenset[str]  # ids of controls (or of a group of controls) the server must mark; "x-*": one starting so
    address: Callable[[Site], str] | None = None  # made when the test runs (a link with a token)
    submit: str = "button[type=submit]"  # the form's button to press (its first such)

    def path(self, site: Site) -> str:
        if self.address is not None:
            return self.address(site)
        # A page no audit visits as it is (a step of a flow) is named by its address; a public
        # page seen signed in by its name after the role.
        where = self.page.split(": ")[-1]
        return where if where.startswith("/") else site.paths.get(self.page) or site.paths[where]

    @property
    def role(self) -> str | None:
        return self.page.split(": ")[0] if ": " in self.page else None


FORMS = [
    BadInput("sign-up", "register", "main form.stacked",
             (("#id_email", "not an e-mail"), ("#id_password", "x")),
             frozenset({"id_name", "id_full_name", "id_email"})),
    BadInput("log-in", "login", "main form.stacked",
             (("#id_email", "nobody@nowhere.example"), ("#id_password", "not the password")),
             frozenset()),
    BadInput("new listing", "admin: new listing", "main form.stacked", (), frozenset({"id_title"})),
    BadInput("listing edit", "admin: listing edit", "main form.stacked", (("#id_title", ""),),
             frozenset({"id_title"})),
    BadInput("organisation profile", "admin: organisation edit", "main form.stacked",
             (("#id_name", ""),), frozenset({"id_name"})),
    BadInput("deposit", "admin: statement", "#deposit-form", (("#deposit_amount", "a lot"),),
             frozenset({"deposit_amount"})),
    BadInput("second factor set-up", "admin: /accounts/mfa/enrol/", "main form.stacked", (("#id_code", "12"),),
             frozenset({"id_code"})),
    # Money leaving: the banker (who has a second factor) passes it first, then sends the form again.
    BadInput("payout", "bank: statement", "#payout-form",
             (("#payout_amount", "a lot"), ("#payout_bank_account", "6222020200112233")),
             frozenset({"payout_amount"})),
    BadInput("API token", "member: API tokens", "main form.stacked", (("#id_name", ""),),
             frozenset({"id_name"})),
    BadInput("saved search", "admin: search", "#save-search", (("#save-search input[name=name]", ""),),
             frozenset({"id_name"})),
    BadInput("import upload", "admin: import", "main form.stacked", (), frozenset({"id_file"})),
    BadInput("auction bid", "admin: auction lot to bid on", "#bid-form", (("#id_amount", "not a number"),),
             frozenset({"id_amount"})),
    BadInput("password change", "admin: password", "main form.stacked",
             (("#id_current_password", "not the password"), ("#id_new_password", "Quite-long-new-pass-1"),
              ("#id_new_password_again", "Quite-long-new-pass-2")), frozenset({"id_new_password_again"})),
    BadInput("password reset", "password reset", "main form.stacked", (("#id_email", "not an e-mail"),),
             frozenset({"id_email"})),
    BadInput("new password from a reset link", "password reset link", "main form.stacked",
             (("#id_new_password1", "Quite-long-new-pass-1"), ("#id_new_password2", "Another-long-pass-2")),
             frozenset({"id_new_password2"}), address=lambda site: _reset_link(site, "outsider")),
    BadInput("invitation", "admin: invite", "main form.stacked", (("#id_email", "not an e-mail"),),
             frozenset({"id_email"})),
    # A wrong code of the length of a recovery code: its refusal, not the app codes', is counted.
    BadInput("second factor check", "bank: /accounts/mfa/verify/", "main form.stacked", (("#id_code", "12"),),
             frozenset({"id_code"})),
    BadInput("second factor off", "bank: /accounts/mfa/disable/", "main form.stacked", (("#id_code", ""),),
             frozenset({"id_code"})),
    BadInput("negotiation message", "admin: negotiation selling", "#conversation form", (("#id_body", ""),),
             frozenset({"id_body"})),
    BadInput("inquiry", "admin: listing with the long title", "#inquiry-form", (("#id_message", ""),),
             frozenset({"id_message"})),
    BadInput("agent", "admin: negotiation selling", "#agent-form", (("#id_organisation_id", ""),),
             frozenset({"id_organisation_id"})),
    BadInput("demand close", "admin: demand close", "main form.stacked", (("#id_note", "说明" * 1001),),
             frozenset({"id_note"})),
    BadInput("document upload", "admin: listing documents", "main form.stacked", (), frozenset({"id_file"})),
    BadInput("new asset", "admin: /catalog/assets/new/?type=patent", "main form.stacked", (),
             frozenset({"id_title"})),
    BadInput("asset edit", "admin: asset edit", "main form.stacked", (("#id_title", ""),), frozenset({"id_title"})),
    BadInput("auction registration", "admin: auction session to apply to", "#bidding form",
             (("#id_organisation", "999999"),), frozenset({"id_organisation"})),
    BadInput("new auction session", "operator: /auctions/new/", "main form.stacked",
             (("#id_title", ""), ("#id_starts_at", "")), frozenset({"id_title", "id_starts_at"})),
    BadInput("new lot", "operator: new lot", "main form.stacked",
             (("#id_listing_id", "0"), ("#id_starting_price", "a lot")),
             frozenset({"id_listing_id", "id_starting_price"})),
    BadInput("lot extension", "operator: lot controls", "form[action$='/extend/']",
             (("#id_extend-reason", ""), ("#id_extend-closes_at", "")),
             frozenset({"id_extend-reason", "id_extend-closes_at"})),
    BadInput("session cancellation", "operator: session to cancel", "form[action$='/cancel/']",
             (("#id_reason", ""),), frozenset({"id_reason"})),
    BadInput("lot withdrawal", "operator: lot controls", "form[action$='/withdraw/']",
             (("#id_withdraw-reason", ""),), frozenset({"id_withdraw-reason"})),
    # A data product's application: a fingerprint that is not 64 hex digits, a count in words and
    # the required fields left empty, all named at once by the service.
    BadInput("valuation request", "admin: new valuation", "main form.stacked", (("#id_purpose", ""),),
             frozenset({"id_purpose"})),
    BadInput("income approach", "agent: income approach", "main form.stacked",
             (("#id_revenues", "一百万"), ("#id_royalty_percent", "80"), ("#id_tax_percent", "25"),
              ("#id_discount_percent", "10")),
             frozenset({"id_revenues", "id_royalty_percent"})),
    BadInput("valuation sign-off", "agent: sign-off", "main form.stacked", (("#id_value", ""),),
             frozenset({"id_value"})),
    BadInput("loan offer", "bank: loan offer", "main form.stacked",
             (("#id_amount", "abc"), ("#id_annual_percent", "6"), ("#id_months", "12"), ("#id_ltv_percent", "50")),
             frozenset({"id_amount"})),
    BadInput("loan application", "admin: new loan", "main form.stacked", (("#id_purpose", ""),),
             frozenset({"id_purpose"})),
    BadInput("pledge number", "admin: pledge number", "main form.stacked", (("#id_pledge_number", ""),),
             frozenset({"id_pledge_number"})),
    BadInput("pool enrolment", "bank: pool enrolment", "main form.stacked", (("#id_pool_id", "999999"),),
             frozenset({"id_pool_id"})),
    BadInput("insurance quote", "admin: insurance quote form", "main form.stacked", (("#id_cover", "abc"),),
             frozenset({"id_cover"})),
    BadInput("insurance claim", "admin: insurance claim form", "main form.stacked",
             (("#id_amount", "abc"), ("#id_description", "")), frozenset({"id_amount", "id_description"})),
    BadInput("new insurance product", "bank: new insurance product", "main form.stacked", (("#id_name", ""),),
             frozenset({"id_name"})),
    BadInput("insurance product edit", "bank: insurance product edit", "main form.stacked", (("#id_name", ""),),
             frozenset({"id_name"})),
    BadInput("dataip application", "admin: dataip new product", "main form.stacked",
             (("#id_fingerprint", "abc123"), ("#id_records", "many"), ("#id_name", "MX 数据集")),
             frozenset({"id_description", "id_industry", "id_records", "id_span_from", "id_fingerprint"})),
    BadInput("auction registration refusal", "operator: session to cancel", "#registrations form[id^='refuse-']",
             (("#registrations form[id^='refuse-'] [name=reason]", ""),), frozenset({"id_refuse-*"})),
    BadInput("counter-offer", "admin: counter-offer form", "#offer-form", (("#id_price_amount", "一百万"),),
             frozenset({"id_price_amount"})),
    BadInput("deal recordal number", "admin: deal", "form[data-action='submit_recordal']",
             (("#recordal_number", ""),), frozenset({"recordal_number"})),
    # Returning the recordal needs a note (approving does not): the return button is pressed.
    BadInput("recordal check", "operator: recordal to check", "#check-recordal", (("#note", ""),),
             frozenset({"note"}), submit="button[value=return]"),
    BadInput("deal cancellation request", "admin: deal bought", "form[data-action='request_cancellation']",
             (("#request_reason", ""),), frozenset({"request_reason"})),
    BadInput("deal cancellation decision", "operator: deal disputed", "form[data-action='decide_cancellation']",
             (("#decision_note", ""),), frozenset({"decision_note"})),
    BadInput("dataip objection", "outsider: dataip objection form", "main form.stacked", (("#id_reason", ""),),
             frozenset({"id_reason"})),
    BadInput("early repayment", "admin: repay early", "main form.stacked", (("#id_amount", "一万"),),
             frozenset({"id_amount"})),
    # The first comparable deal's adjustment, in words: the service's refusal marks that box.
    BadInput("market approach", "agent: market approach", "main form.stacked",
             (("main form.stacked input[id^='id_deal_'] >> nth=0", "一成"),), frozenset({"id_deal_*"})),
    BadInput("cost approach", "agent: cost approach", "main form.stacked", (("#id_reproduction_cost", "abc"),),
             frozenset({"id_reproduction_cost"})),
    BadInput("loan decline", "bank: loan application", "form[action$='/decline/']", (("#id_decline-reason", ""),),
             frozenset({"id_decline-reason"})),
    BadInput("pledge return", "operator: pledge to check", "form[action$='/return/']", (("#id_check-note", ""),),
             frozenset({"id_check-note"})),
    BadInput("attach a valuation", "admin: attach a valuation", "main form.stacked", (("#id_valuation_id", "999999"),),
             frozenset({"id_valuation_id"})),
    BadInput("pool recovery", "bank: recovery", "main form.stacked", (("#id_amount", "abc"),),
             frozenset({"id_amount"})),
    BadInput("pool creation", "sponsor: new pool", "main form.stacked", (("#id_name", ""), ("#id_fund_size", "abc")),
             frozenset({"id_name"})),
    BadInput("pool admission", "sponsor: admit to the pool", "main form.stacked", (("#id_organisation_id", "0"),),
             frozenset({"id_organisation_id"})),
    BadInput("claim approval", "bank: insurance claim to decide", "#approve-form", (("#id_approve-amount", "abc"),),
             frozenset({"id_approve-amount"})),
    BadInput("claim rejection", "bank: insurance claim to decide", "#reject-form", (("#id_reject-reason", ""),),
             frozenset({"id_reject-reason"})),
    BadInput("valuation decline", "agent: valuation request", "form[action$='/decline/']",
             (("#id_decline-reason", ""),), frozenset({"id_decline-reason"})),
    BadInput("insurance quote decline", "bank: quote to decide", "form[action$='/decline/']",
             (("#id_decline-reason", ""),), frozenset({"id_decline-reason"})),
    BadInput("dataip draft edit", "admin: dataip draft edit", "main form.stacked", (("#id_name", ""),),
             frozenset({"id_name"})),
    BadInput("dataip change", "admin: dataip change form", "main form.stacked", (("#id_records", "很多"),),
             frozenset({"id_records"})),
    BadInput("dataip cancellation", "admin: dataip registered", "form[action$='/cancel/']", (("#id_reason", ""),),
             frozenset({"id_reason"})),
    # A reviewer's steps, one form each on the product's page, each note sent as "note".
    BadInput("dataip return for changes", "operator: dataip to check", "#step-return", (("#id_return_note", ""),),
             frozenset({"id_return_note"})),
    BadInput("dataip change refusal", "operator: dataip change asked", "#step-refuse_change",
             (("#id_refuse_change_note", ""),), frozenset({"id_refuse_change_note"})),
    BadInput("dataip objection decision", "operator: dataip objected to", "form[id^='decide-']",
             (("form[id^='decide-'] textarea", ""),), frozenset({"id_objection*"})),
    BadInput("runner-up offer", "operator: lost lot", "form[action$='/runner-up/']",
             (("#id_runner_up-reason", ""),), frozenset({"id_runner_up-reason"})),
    # Securitisation (``offered_products``): home's pages as originator and servicer, the outsider's as investor.
    BadInput("new securitisation", "admin: new securitisation", "main form.stacked", (("#id_name", ""),),
             frozenset({"id_name"})),
    # An off-platform contract whose second instalment is in words: the schedule is marked.
    BadInput("receivable entry", "admin: new receivable", "main form.stacked",
             (("input[name=source][value=contract]", "on"), ("#id_payer_name", "阳江五金制品有限公司"),
              ("#id_contract_reference", "SL-MX-9"), ("#id_schedule", "2027-03-15 250000\n2027-06-15 二十五万")),
             frozenset({"id_schedule"})),
    BadInput("receivable marking", "admin: receivable", "form[action$='/mark/']", (("#id_mark-note", "说明" * 1001),),
             frozenset({"id_mark-note"})),
    # The late payer's receivable, in the serviced product's pool already, added to the chosen ones.
    BadInput("securitisation pool", "admin: securitisation pool", "main form.stacked",
             (("#id_receivable_ids label:has-text('江门数控装备有限公司') input", "on"),),
             frozenset({"id_receivable_ids"})),
    # The senior tranche made smaller: the tranches no longer add up to the pool.
    BadInput("securitisation structure", "admin: securitisation structure", "main form.stacked",
             (("[id='id_tranches.0.size']", "3000000"),), frozenset({"id_tranches.0.size"})),
    BadInput("projection scenario", "admin: securitisation projections", "main form.stacked",
             (("#id_default_rate", "很多"),), frozenset({"id_default_rate"})),
    BadInput("collections", "admin: securitisation collections", "main form.stacked",
             (("[id='id_collections.0.amount']", "二十五万"),), frozenset({"id_collections.0.amount"})),
    BadInput("subscription", "outsider: securitisation on offer", "form[action$='/subscribe/']",
             (("#id_subscribe-amount", "很多"),), frozenset({"id_subscribe-amount"})),
    BadInput("expo registration", "admin: expo registration", "main form.stacked", (("#id_organisation_id", "999999"),),
             frozenset({"id_organisation_id"})),
    # The expo's back-office (the operator's): each form on its page.
    BadInput("expo edition", "operator: expo back-office", "#edition-form", (("#id_edition-name", ""),),
             frozenset({"id_edition-name", "id_edition-slug"})),
    BadInput("expo records upload", "operator: expo back-office", "#records-form", (), frozenset({"id_records-file"})),
    BadInput("expo hall", "operator: expo edition", "#hall-form", (("#id_hall-position", ""),),
             frozenset({"id_hall-name", "id_hall-position"})),
    BadInput("expo zone", "operator: expo edition", "#zone-form",
             (("#id_zone-name", "GI products"), ("#id_zone-slug", "gi")), frozenset({"id_zone-slug"})),
    # A forum after the edition's last day: the service's refusal marks its start.
    BadInput("expo event", "operator: expo edition", "#event-form",
             (("#id_event-title", "MX forum"), ("#id_event-starts_at", "2002-12-01T10:00"),
              ("#id_event-ends_at", "2002-12-01T11:00")), frozenset({"id_event-starts_at"})),
    BadInput("expo exhibitor registration", "operator: expo edition", "#exhibitor-form",
             (("#id_exhibitor-organisation_id", "999999"),), frozenset({"id_exhibitor-organisation_id"})),
    BadInput("expo booth", "operator: expo exhibitor", "#booth-form", (("#id_booth-booth", "B" * 21),),
             frozenset({"id_booth-booth"})),
    # A right (the kind first offered) with no type and patents of its own.
    BadInput("expo exhibit", "operator: expo exhibitor", "#exhibit-form",
             (("#id_exhibit-title", "MX 智能电饭煲"), ("#id_exhibit-patents", "3")),
             frozenset({"id_exhibit-ip_type", "id_exhibit-patents"})),
    BadInput("expo viewers", "operator: expo live stream", "#viewers-form", (("#id_viewers-viewers", "-5"),),
             frozenset({"id_viewers-viewers"})),
    # One party only: the service's refusal marks the parties.
    BadInput("expo signed agreement", "operator: expo signing ceremony", "#signing-form",
             (("#id_signing-parties", "MX party A"), ("#id_signing-amount", "1000")),
             frozenset({"id_signing-parties"})),
    BadInput("organisation rejection", "operator: organisation to verify", "form[action$='/reject/']",
             (("#id_reason", ""),), frozenset({"id_reason"})),
    # A wrong password (once: five end the session) before a change that asks for it again.
    BadInput("confirm it is you", "member: /accounts/sessions/confirm/", "main form.stacked",
             (("#id_password", "not the password"),), frozenset({"id_password"})),
]


def _reset_link(site: Site, role: str) -> str:
    user = site.people[role]
    return f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/" \
           f"{default_token_generator.make_token(user)}/"

SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
# The state of the form's page after it came back: its summary, what its links lead to, and
# each control marked invalid with the texts of the error elements its aria-describedby names.
STATE = """() => {
  const summary = document.querySelector("[data-error-summary]");
  const links = summary ? [...summary.querySelectorAll("a[href^='#']")].map((a) => {
    const target = document.getElementById(a.getAttribute("href").slice(1));
    return {href: a.getAttribute("href"), found: !!target,
            marked: !!target && (target.getAttribute("aria-invalid") === "true"
                                 || !!target.querySelector("[aria-invalid=true]"))};
  }) : [];
  const invalid = [...document.querySelectorAll("main [aria-invalid]")].map((control) => ({
    id: control.id, value: control.getAttribute("aria-invalid"),
    group: (control.closest("fieldset[id], div[id]") || {}).id || "",
    // A checkbox or radio in a group is described by its fieldset, read out on entering it.
    described: (control.getAttribute("aria-describedby")
                || (control.closest("fieldset[aria-describedby]") || {getAttribute: () => ""})
                  .getAttribute("aria-describedby")
                || "").split(/\\s+/).filter(Boolean)
      .map((id) => document.getElementById(id))
      .map((e) => e === null ? null : e.textContent.trim()),
  }));
  return {
    summary: !!summary, role: summary && summary.getAttribute("role"),
    focused: !!summary && summary === document.activeElement, links, invalid,
  };
}"""


def _context(case: BadInput, contexts: dict[str, BrowserContext], signed_in: SignedIn) -> BrowserContext:
    return contexts["en"] if case.role is None else signed_in(case.role, "en")


# Before typing: no length limit (the server's is audited), and a choice not offered is added
# to a list, as a hand-made request would send it. Answers how the control takes a value: a list
# is chosen from, a checkbox or radio button is ticked (any value) or not (""), the rest typed in.
UNLIMIT = """(control, value) => {
  control.removeAttribute("maxlength");
  if (control.tagName === "SELECT" && ![...control.options].some((option) => option.value === value)) {
    control.add(new Option(value, value));
  }
  if (control.tagName === "SELECT") { return "choose"; }
  return ["checkbox", "radio"].includes(control.type) ? "tick" : "type";
}"""


def send(page: Page, case: BadInput) -> None:
    form = page.locator(case.form)
    # A form folded in a <details> (the deal's cancellation) is unfolded, as a member would.
    form.evaluate("(form) => { form.noValidate = true; const fold = form.closest('details'); "
                  "if (fold) { fold.open = true; } }")
    for selector, value in case.fill:
        control = page.locator(selector)
        how = control.evaluate(UNLIMIT, value)
        if how == "choose":
            control.select_option(value)
        elif how == "tick":
            control.set_checked(value != "")
        else:
            control.fill(value)
    page.on("dialog", _accept)  # a form that asks first (data-confirm)
    try:
        form.locator(case.submit).first.click()
        page.wait_for_load_state()
    finally:
        page.remove_listener("dialog", _accept)  # the tab goes on to other forms


def _accept(dialog: Dialog) -> None:
    dialog.accept()


def audited_elsewhere(page: str) -> bool:
    """Whether the page, unsent, has its desktop audit among the signed-in or public pages'."""
    return page in {p.key for p in SIGNED_IN_PAGES} or page.split(": ")[-1] in {p.name for p in PUBLIC_PAGES}


@pytest.mark.parametrize("case", FORMS, ids=[case.name for case in FORMS])
def test_a_form_sent_with_bad_input_names_its_problems_to_everyone(
        case: BadInput, site: Site, contexts: dict[str, BrowserContext], signed_in: SignedIn) -> None:
    page = open_in(_context(case, contexts, signed_in), site.url + case.path(site), "en")
    send(page, case)
    if "/accounts/mfa/verify/" in page.url and "/mfa/" not in case.page:  # money leaving asks for it first
        assert case.role is not None
        page.fill("#id_code", current_code(site.people[case.role]))
        page.locator("main form.stacked button[type=submit]").click()
        page.wait_for_url(site.url + case.path(site))
        send(page, case)
    page.wait_for_selector("[data-error-summary]")
    # A form that HTMX swapped in is focused once the swap has settled.
    page.wait_for_function(SETTLED)
    state = page.evaluate(STATE)
    problems = []
    if state["role"] != "alert":
        problems.append(f"the summary's role is {state['role']!r}")
    if not state["focused"]:
        problems.append("the summary does not have the focus")
    problems += [f"the summary's {link['href']} leads nowhere" for link in state["links"] if not link["found"]]
    problems += [f"the summary's {link['href']} leads to an unmarked control"
                 for link in state["links"] if link["found"] and not link["marked"]]
    for control in state["invalid"]:
        if control["value"] != "true":
            problems.append(f"{control['id']}: aria-invalid={control['value']!r}")
        elif not control["described"] or None in control["described"] or "" in control["described"]:
            problems.append(f"{control['id']} is described by {control['described']} (missing or empty)")
    marked = {c["id"] for c in state["invalid"]} | {c["group"] for c in state["invalid"] if c["group"]}
    problems += [f"{expected} is not marked invalid" for expected in sorted(case.invalid - marked)
                 if not (expected.endswith("*") and any(m.startswith(expected[:-1]) for m in marked))]
    problems += problems_at_both_widths(page, desktop_audit=not audited_elsewhere(case.page))
    assert not problems, f"{case.name}:\n" + "\n".join(problems)
