"""A securitisation's parties are told of the steps they wait for: the trustee (and a servicer
other than the originator) that they were named; the originator of each investor's
subscription; the investors and the trustee of the issue or of a cancellation; the trustee of
each period's collections; the investors and the originator of each period run and of the
retirement. Nobody is told of a step their own organisation took (the originator keeps the
subordinated tranche and services the pool in the world used here, so it hears of neither)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import translation

from ipx.accounts.models import Organisation
from ipx.finance.models import Product
from ipx.finance.securitisation.inputs import CollectionIn, CollectionsIn, ProductIn
from ipx.finance.securitisation.services import collections, issue, periods, pools, receivables
from ipx.notifications.models import Notification
from ipx.testing.factories import OrganisationFactory
from ipx.testing.scenes import person
from ipx.testing.securitisation_world import CUT_OFF, SecuritisationWorld, build_securitisation_world, fund

pytestmark = pytest.mark.django_db


def told() -> list[tuple[str, str]]:
    """(verb, the recipient's organisation) of every notification, oldest first."""
    rows = Notification.objects.select_related("organisation").order_by("pk")
    return [(n.verb, n.organisation.name if n.organisation else "") for n in rows]


def test_the_parties_of_a_securitisation_are_told_of_each_step_they_wait_for(
        today_is: Callable[[date], None]) -> None:
    world = build_securitisation_world()
    product = world.product
    trustee, originator = world.trustee.name, world.originator.name
    investor_a, investor_b = world.investor_a.name, world.investor_b.name
    assert told() == [
        ("finance.abs_named", trustee),
        ("finance.abs_subscribed", originator), ("finance.abs_subscribed", originator),
        ("finance.abs_issued", investor_a), ("finance.abs_issued", investor_b), ("finance.abs_issued", trustee),
        ("finance.abs_collections_recorded", trustee),
        ("finance.abs_period_run", investor_a), ("finance.abs_period_run", investor_b),
        ("finance.abs_period_run", originator)]
    named = Notification.objects.get(verb="finance.abs_named")
    assert (named.title, named.url) == (f"Named trustee of “{product.name}”", f"/finance/securitisation/{product.pk}/")
    assert named.body == f"{originator} named your organisation trustee of the securitisation “{product.name}”."
    subscribed = Notification.objects.filter(verb="finance.abs_subscribed").order_by("pk").first()
    assert subscribed is not None and subscribed.body == f"{investor_a} subscribed 2,500,000.00 CNY of tranche A."
    issued = Notification.objects.filter(verb="finance.abs_issued").first()
    assert issued is not None and issued.body == (
        f"The notes were issued: the subscriptions, 5,000,000.00 CNY in all, were paid to {originator}. "
        "Servicing starts.")
    run = Notification.objects.filter(verb="finance.abs_period_run").first()
    assert run is not None and run.title == f"“{product.name}”: period 1 paid out"
    assert run.body == ("The trustee ran period 1's waterfall over 1,000,000.00 CNY collected; its report shows who "
                        "was paid.")
    Notification.objects.all().delete()
    today_is(date(2027, 1, 1))
    retire(world)
    assert told()[-3:] == [("finance.abs_retired", investor_a), ("finance.abs_retired", investor_b),
                           ("finance.abs_retired", originator)]
    retired = Notification.objects.filter(verb="finance.abs_retired").first()
    assert retired is not None and retired.body == "Retired with losses: B 91,500.00 CNY."
    world.investor_a_admin.preferred_language = "zh-hans"
    world.investor_a_admin.save(update_fields=["preferred_language"])
    with translation.override("en"):
        assert "终止" in Notification.objects.filter(verb="finance.abs_retired").order_by("pk")[0].title


def retire(world: SecuritisationWorld) -> None:
    """Every payer pays all it owes in period 2, the reserve is paid out in period 3, retired."""
    product = world.product
    rows = [row for row in collections.pooled_instalments(product) if row.outstanding > 0]
    collections.collections_record(actor=world.originator_admin, values=CollectionsIn(
        product_id=product.pk, number=2, collections=[CollectionIn(row.pk, str(row.outstanding)) for row in rows]))
    periods.period_run(actor=world.trustee_admin, product_id=product.pk, number=2)
    collections.collections_record(actor=world.originator_admin, values=CollectionsIn(product_id=product.pk, number=3))
    periods.period_run(actor=world.trustee_admin, product_id=product.pk, number=3)
    periods.product_retire(actor=world.trustee_admin, product_id=product.pk)


def test_one_organisation_named_trustee_and_servicer_is_told_once_and_a_cancellation_reaches_the_investors() -> None:
    world = build_securitisation_world()
    agent = OrganisationFactory.create(name="粤港澳资产服务有限公司", kind=Organisation.Kind.FINANCIAL)
    person("agent@example.cn", "Liang Wen", agent)
    Notification.objects.all().delete()
    product = pools.product_create(actor=world.originator_admin, values=ProductIn(
        originator_id=world.originator.pk, name="第二期专利许可专项计划", trustee_id=agent.pk, servicer_id=agent.pk,
        cut_off=CUT_OFF.isoformat()))
    assert told() == [("finance.abs_named", agent.name)]
    assert Notification.objects.get().title == "Named trustee and servicer of “第二期专利许可专项计划”"
    # An investor subscribes to a structured product that is then cancelled before its issue.
    Product.objects.filter(pk=product.pk).update(status=Product.Status.STRUCTURED)
    tranche = product.tranches.create(name="A", seniority="senior", size="1000000", coupon_percent="3",
                                      legal_maturity=date(2028, 3, 31), priority=1,
                                      balance="1000000")
    fund(world.investor_a, "1000000", "second-subscription")
    issue.subscription_add(actor=world.investor_a_admin, product_id=product.pk, tranche_id=tranche.pk,
                           investor_id=world.investor_a.pk, amount="400000")
    pools.product_cancel(actor=world.originator_admin, product_id=product.pk)
    assert told()[1:] == [("finance.abs_subscribed", world.originator.name),
                          ("finance.abs_cancelled", world.investor_a.name), ("finance.abs_cancelled", agent.name)]
    cancelled = Notification.objects.filter(verb="finance.abs_cancelled").first()
    assert cancelled is not None and cancelled.body == (
        f"{world.originator.name} cancelled the securitisation before its issue; the subscriptions lapse and "
        "nothing was paid.")


def test_a_pooled_receivables_default_reaches_the_trustee_and_the_investors() -> None:
    world = build_securitisation_world()
    Notification.objects.all().delete()
    receivables.receivable_mark(actor=world.originator_admin, receivable_id=world.late.pk, status="defaulted",
                                note="付款方已进入破产清算。")
    assert told() == [("finance.abs_receivable_defaulted", world.trustee.name),
                      ("finance.abs_receivable_defaulted", world.investor_a.name),
                      ("finance.abs_receivable_defaulted", world.investor_b.name)]
    notice = Notification.objects.filter(verb="finance.abs_receivable_defaulted").first()
    assert notice is not None and notice.title == f"“{world.product.name}”: a pooled receivable defaulted"
    assert notice.body == (f"{world.originator.name} marked receivable #{world.late.pk} ({world.late.payer_label}) "
                           "defaulted: 付款方已进入破产清算。")
