"""Ledger pages: the statement with its forms, double submissions, the CSV export, access."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from ipx.accounts.models import Membership, Organisation
from ipx.core.money import Money
from ipx.ledger import services
from ipx.ledger.models import LedgerTransaction, Payout
from ipx.ledger.tests.helpers import available, snapshot
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import fresh_second_factor

pytestmark = pytest.mark.django_db

BANK = "6222021234567890128"


def page_of(member: Member) -> str:
    return f"/ledger/{member.organisation.pk}/"


def form_key(html: str, form_id: str) -> str:
    form = html[html.index(f'id="{form_id}"'):]
    match = re.search(r'name="idempotency_key" value="([^"]+)"', form)
    assert match is not None
    return match.group(1)


def test_statement_page_for_an_administrator(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1234.5", currency="CNY")
    services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("200"), "CNY"), reference="deal:3",
                         memo="首付款")
    response = buyer.client.get(page_of(buyer))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="balances"' in html and "¥1,034.50" in html and "¥200.00" in html
    assert 'id="deposit-form"' in html and 'id="payout-form"' in html
    assert html.count('id="deposit_amount"') == 1 and html.count('id="payout_amount"') == 1
    assert "首付款" in html and "deal:3" in html
    # Newest first, each with its account's balance after it.
    table = html[html.index('id="statement-lines"'):]
    assert table.index("Escrow funded") < table.index("Deposit") and table.index("¥1,234.50") > 0
    assert form_key(html, "deposit-form") != form_key(html, "payout-form")
    assert f'href="/ledger/{buyer.organisation.pk}/statement.csv"' in html


def test_who_sees_the_statement_page(buyer: Member, outsider: Member, operator_client: Client) -> None:
    colleague = MembershipFactory.create(organisation=buyer.organisation, user=UserFactory.create(),
                                         role=Membership.Role.MEMBER).user
    member_client = Client()
    member_client.force_login(colleague)
    html = member_client.get(page_of(buyer)).content.decode()
    assert 'id="deposit-form"' in html and 'id="payout-form"' not in html
    operator_page = operator_client.get(page_of(buyer))
    assert operator_page.status_code == 200
    assert 'id="deposit-form"' not in operator_page.content.decode()
    assert outsider.client.get(page_of(buyer)).status_code == 403
    assert outsider.client.get("/ledger/999999/").status_code == 404
    assert Client().get(page_of(buyer))["Location"].startswith("/accounts/login/")
    for path in ("statement.csv", "deposit/", "payout/"):
        method = "get" if path.endswith(".csv") else "post"
        assert getattr(outsider.client, method)(page_of(buyer) + path).status_code == 403
        assert getattr(Client(), method)(page_of(buyer) + path).status_code == 302
    assert outsider.client.post(page_of(buyer) + "deposit/", {"amount": "1", "currency": "CNY",
                                                                "idempotency_key": "x"}).status_code == 403
    assert LedgerTransaction.objects.count() == 0


def test_a_double_submitted_deposit_is_made_once(buyer: Member) -> None:
    key = form_key(buyer.client.get(page_of(buyer)).content.decode(), "deposit-form")
    form = {"amount": "500.00", "currency": "CNY", "idempotency_key": key}
    first = buyer.client.post(page_of(buyer) + "deposit/", form, follow=True)
    assert "The deposit was received" in first.content.decode()
    again = buyer.client.post(page_of(buyer) + "deposit/", form, follow=True)
    assert "already recorded" in again.content.decode()
    assert LedgerTransaction.objects.count() == 1
    assert available(buyer.organisation) == Decimal("500.00")
    # Going back and changing the amount on the same form is refused, not made as a new deposit.
    changed = buyer.client.post(page_of(buyer) + "deposit/", {**form, "amount": "600"})
    assert changed.status_code == 400
    assert "already submitted with other values" in changed.content.decode()
    assert LedgerTransaction.objects.count() == 1


def test_deposit_form_errors_are_shown_and_nothing_changes(buyer: Member) -> None:
    before = snapshot()
    response = buyer.client.post(page_of(buyer) + "deposit/", {"amount": "1.005", "currency": "CNY",
                                                                "idempotency_key": "k1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.rindex("at most 2 decimal places") > html.index('id="field-amount"')  # beside it (and in the summary)
    # The form comes back with a new key, and the page is whole.
    assert form_key(html, "deposit-form") != "k1"
    assert 'id="statement-lines"' in html
    expired = buyer.client.post(page_of(buyer) + "deposit/", {"amount": "1", "currency": "CNY"})
    assert expired.status_code == 400
    assert "This form has expired" in expired.content.decode()
    assert snapshot() == before


def test_payout_form(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="100", currency="CNY")
    client = fresh_second_factor(buyer.client, buyer.user)  # payouts need a second factor passed just now
    key = form_key(client.get(page_of(buyer)).content.decode(), "payout-form")
    before = snapshot()
    short = client.post(page_of(buyer) + "payout/", {"amount": "100.01", "currency": "CNY",
                                                     "bank_account": BANK, "idempotency_key": key})
    assert short.status_code == 400
    assert "Not enough money." in short.content.decode()
    bad = client.post(page_of(buyer) + "payout/", {"amount": "10", "currency": "CNY", "bank_account": "abc",
                                                   "idempotency_key": key})
    assert bad.status_code == 400
    assert snapshot() == before
    form = {"amount": "100", "currency": "CNY", "bank_account": BANK, "idempotency_key": key}
    assert client.post(page_of(buyer) + "payout/", form).status_code == 302
    assert client.post(page_of(buyer) + "payout/", form).status_code == 302
    assert Payout.objects.count() == 1
    assert available(buyer.organisation) == Decimal("0.00")


def test_a_member_cannot_pay_out_through_the_form(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="100", currency="CNY")
    colleague = MembershipFactory.create(organisation=buyer.organisation, user=UserFactory.create(),
                                         role=Membership.Role.MEMBER).user
    client = Client()
    client.force_login(colleague)
    response = client.post(page_of(buyer) + "payout/", {"amount": "10", "currency": "CNY", "bank_account": BANK,
                                                        "idempotency_key": "m1"})
    assert response.status_code == 403
    assert "Only an administrator" in response.content.decode()
    assert Payout.objects.count() == 0


def test_filter_and_htmx_fragment(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1", currency="CNY")
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="2", currency="HKD")
    fragment = buyer.client.get(page_of(buyer) + "?currency=HKD", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html and 'id="statement-lines"' in html
    assert "HK$2.00" in html and "¥1.00" not in html
    bad = buyer.client.get(page_of(buyer) + "?date_from=2025-02-01&date_to=2025-01-01")
    assert bad.status_code == 400
    assert "The end date is before the start date." in bad.content.decode()
    bad_fragment = buyer.client.get(page_of(buyer) + "?date_from=someday", HTTP_HX_REQUEST="true")
    assert bad_fragment.status_code == 400
    assert "<html" not in bad_fragment.content.decode() and "errorlist" in bad_fragment.content.decode()
    for query in ("?date_to=9999-12-31", "?date_from=0001-01-01", "statement.csv?date_to=9999-12-31"):
        assert buyer.client.get(page_of(buyer) + query).status_code == 400, query


def test_no_money_forms_before_verification(buyer: Member) -> None:
    Organisation.objects.filter(pk=buyer.organisation.pk).update(status=Organisation.Status.PENDING)
    html = buyer.client.get(page_of(buyer)).content.decode()
    assert 'id="not-verified"' in html
    assert 'id="deposit-form"' not in html and 'id="payout-form"' not in html
    refused = buyer.client.post(page_of(buyer) + "deposit/", {"amount": "1", "currency": "CNY",
                                                              "idempotency_key": "k"})
    assert refused.status_code == 403
    assert LedgerTransaction.objects.count() == 0


def test_statement_csv_is_exact(buyer: Member, owner: Member) -> None:
    deposit = services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1000",
                                      currency="CNY")
    hold = services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("300"), "CNY"), reference="deal:9",
                                memo="=首付款, 第一期")
    services.escrow_release(payer=buyer.organisation, payee=owner.organisation, money=Money(Decimal("300"), "CNY"),
                            fee=Decimal("6"), reference="deal:9")
    response = buyer.client.get(page_of(buyer) + "statement.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="statement-{buyer.organisation.pk}.csv"'
    body = response.getvalue()
    assert body.startswith(b"\xef\xbb\xbf")
    entries = LedgerTransaction.objects.order_by("pk")
    when = [timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S") for e in entries]
    release = entries[2]
    assert body.decode("utf-8-sig") == (
        "Date,Transaction,Type,Memo,Reference,Payment provider reference,Account,Account reference,Currency,Amount,"
        "Balance\r\n"
        f"{when[0]},{deposit.pk},Deposit,,,{deposit.provider_reference},Available,,CNY,1000.00,1000.00\r\n"
        f"{when[1]},{hold.pk},Escrow funded,\"'=首付款, 第一期\",deal:9,,Available,,CNY,-300.00,700.00\r\n"
        f"{when[1]},{hold.pk},Escrow funded,\"'=首付款, 第一期\",deal:9,,Held in escrow,deal:9,CNY,300.00,300.00\r\n"
        f"{when[2]},{release.pk},Escrow released,,deal:9,,Held in escrow,deal:9,CNY,-300.00,0.00\r\n"
    )
    filtered = buyer.client.get(page_of(buyer) + "statement.csv?currency=HKD&date_from=2025-01-01")
    assert filtered["Content-Disposition"] == (
        f'attachment; filename="statement-{buyer.organisation.pk}-2025-01-01-HKD.csv"')
    assert filtered.getvalue().decode("utf-8-sig").count("\r\n") == 1


def test_deal_escrow_lines_are_described_in_the_readers_language(buyer: Member, owner: Member) -> None:
    """Deal escrow transactions store no words; page and CSV describe them from kind and reference."""
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1000", currency="CNY")
    with translation.override("en"):
        hold = services.escrow_hold(payer=buyer.organisation, money=Money(Decimal("300"), "CNY"),
                                    reference="deal:12:m1")
        services.escrow_release(payer=buyer.organisation, payee=owner.organisation,
                                money=Money(Decimal("300"), "CNY"), fee=Decimal("6"), reference="deal:12:m1")
    assert hold.memo == ""

    client = buyer.client
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(page_of(buyer)).content.decode()
    csv_text = client.get(page_of(buyer) + "statement.csv").getvalue().decode("utf-8-sig")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    traditional = client.get(page_of(buyer)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(page_of(buyer)).content.decode()

    assert ">交易 #12，付款节点 1 存入资金监管</td>" in html and ">交易 #12，付款节点 1 放款</td>" in html
    assert csv_text.startswith("日期,流水号,类型,摘要,")
    assert ",存入资金监管,交易 #12，付款节点 1 存入资金监管,deal:12:m1," in csv_text
    assert ">交易 #12，付款節點 1 存入資金監管</td>" in traditional
    assert ">Deal #12, milestone 1 funded</td>" in english and ">Deal #12, milestone 1 released</td>" in english


def test_csv_amounts_have_the_currency_decimals(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1", currency="JPY")
    response = buyer.client.get(page_of(buyer) + "statement.csv")
    text = response.getvalue().decode("utf-8-sig")
    assert ",JPY,1,1\r\n" in text  # yen have no decimals


def test_ledger_index(buyer: Member, operator_client: Client) -> None:
    assert buyer.client.get("/ledger/")["Location"] == page_of(buyer)
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="10", currency="CNY")
    html = operator_client.get("/ledger/").content.decode()
    assert 'id="platform-totals"' in html and "Consistent" in html and "¥10.00" in html
