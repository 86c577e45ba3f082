"""The registrant is told of each step the registry takes on its data product (in the inbox and
by e-mail, in its language), and an objector of the decision on its objection; the
registrant's own steps tell no one."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from ipx.accounts.models import User
from ipx.dataip.models import DataProduct
from ipx.dataip.services import applications, certificates, review
from ipx.dataip.tests.scenes import drafted, granted, in_publicity, period_over
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def told() -> list[tuple[str, str]]:
    return [(n.verb, n.user.email) for n in Notification.objects.select_related("user").order_by("pk")]


def test_the_registrant_hears_of_each_review_step_and_the_certificate(
        owner: Member, operator: User, registry_key: Any, on_commit: Any) -> None:
    with on_commit():
        product = applications.product_submit(actor=owner.user, product_id=drafted(owner).pk)
        review.review_return(operator=operator, product_id=product.pk, note="请补充数据采集的合法性依据。")
    with on_commit():
        applications.product_submit(actor=owner.user, product_id=product.pk)
        review.review_pass_formal(operator=operator, product_id=product.pk)
        review.review_publish(operator=operator, product_id=product.pk)
    period_over(product)
    with on_commit():
        review.registration_grant(operator=operator, product_id=product.pk)
    me = owner.user.email
    assert told() == [("dataip.returned", me), ("dataip.formal_passed", me), ("dataip.published", me),
                      ("dataip.granted", me)]
    assert {n.url for n in Notification.objects.all()} == {f"/dataip/products/{product.pk}/"}
    returned = Notification.objects.get(verb="dataip.returned")
    assert (returned.title, returned.body) == (
        f"“{product.name}” returned for changes",
        "The registry asks: 请补充数据采集的合法性依据。 Edit the application and submit it again.")
    published = DataProduct.objects.get(pk=product.pk)
    assert published.publicity_until is not None
    certificate = published.certificates.get()
    assert Notification.objects.get(verb="dataip.granted").body == (
        f"Certificate {certificate.number} was issued; download it on the product's page.")
    assert [m.subject for m in mail.outbox] == [f"“{product.name}” returned for changes",
                                                f"“{product.name}” passed the formal check",
                                                f"“{product.name}” published for objections",
                                                f"“{product.name}” registered"]
    owner.user.preferred_language = "zh-hans"
    owner.user.save(update_fields=["preferred_language"])
    with translation.override("en"):
        assert "登记" in Notification.objects.get(verb="dataip.granted").title


def test_an_objection_is_told_to_the_registrant_and_its_decision_to_both_sides(
        owner: Member, buyer: Member, operator: User) -> None:
    product = in_publicity(owner, operator)
    Notification.objects.all().delete()
    objection = review.objection_make(actor=buyer.user, product_id=product.pk, organisation_id=buyer.organisation.pk,
                                      reason="样本含有我司数据。")
    review.objection_decide(operator=operator, objection_id=objection.pk, uphold=True, note="来源存疑。")
    review.registration_refuse(operator=operator, product_id=product.pk, reason="异议成立。")
    assert told() == [("dataip.objected", owner.user.email), ("dataip.objection_decided", owner.user.email),
                      ("dataip.objection_decided", buyer.user.email), ("dataip.refused", owner.user.email)]
    decided = Notification.objects.filter(verb="dataip.objection_decided", user=buyer.user).get()
    assert decided.title == f"Objection to “{product.name}” upheld"
    assert decided.body == f"The registry upheld the objection to “{product.name}”: 来源存疑。"
    assert Notification.objects.get(verb="dataip.objected").body == (
        "An objection was made during publicity: 样本含有我司数据。 The registry decides it before the registration.")
    # A person objecting for no organisation hears of the decision alone.
    other = in_publicity(owner, operator, name="第二个数据集")
    mine = review.objection_make(actor=buyer.user, product_id=other.pk, reason="名称近似。")
    Notification.objects.all().delete()
    review.objection_decide(operator=operator, objection_id=mine.pk, uphold=False, note="不构成冲突。")
    assert told() == [("dataip.objection_decided", owner.user.email), ("dataip.objection_decided", buyer.user.email)]


def test_a_change_refused_or_approved_and_a_revocation_are_told_to_the_registrant(
        owner: Member, operator: User, registry_key: Any) -> None:
    product = granted(owner, operator)
    certificates.change_request(actor=owner.user, product_id=product.pk, values={"records": "1300000"})
    Notification.objects.all().delete()
    certificates.change_refuse(operator=operator, product_id=product.pk, reason="记录数无依据。")
    certificates.change_request(actor=owner.user, product_id=product.pk, values={"records": "1300000"})
    second = certificates.change_approve(operator=operator, product_id=product.pk)
    certificates.revoke(operator=operator, product_id=product.pk, reason="登记材料虚假。")
    me = owner.user.email
    assert told() == [("dataip.change_refused", me), ("dataip.change_approved", me), ("dataip.revoked", me)]
    assert Notification.objects.get(verb="dataip.change_approved").body == (
        f"Certificate {second.number} replaces the previous one.")
    assert Notification.objects.get(verb="dataip.revoked").body == (
        "The registry revoked it: 登记材料虚假。 Any listing of it was taken off the market.")
