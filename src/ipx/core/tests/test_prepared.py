"""A prepared query reads what the ORM would read, with the values of each call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipx.accounts.models import ApiToken, User
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.core.prepared import PreparedQuery, field_paths, instance, instance_and_related
from ipx.ledger.models import Posting
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db

def tokens(on_server: bool) -> PreparedQuery:
    return PreparedQuery(lambda p: ApiToken.objects.filter(user_id=p.int("user"), name=p.str("name")).order_by(
        "pk").values_list(*field_paths(ApiToken), *field_paths(User, "user__")), on_server=on_server)


def postings(on_server: bool) -> PreparedQuery:
    return PreparedQuery(lambda p: Posting.objects.filter(account__organisation_id=p.int("organisation")).order_by(
        "pk").values_list("pk", "amount", "transaction__created_at", "transaction__actor_id"), on_server=on_server)


# on_server: planned once by PostgreSQL (the same as without on SQLite).
@pytest.mark.parametrize("on_server", [False, True])
def test_rows_equal_the_orms_for_each_calls_values(on_server: bool) -> None:
    users = [UserFactory.create(), UserFactory.create()]
    for user, name in ((users[0], "a"), (users[0], "b"), (users[1], "a")):
        api_token_create(user=user, token=TokenInput(name=name, scopes=("read",)))
    ApiToken.objects.filter(user=users[1]).update(last_used_at=timezone.now() - timedelta(days=1))
    query = tokens(on_server)
    for user in users:
        for name in ("a", "b", "none"):
            expected = [list(row) for row in ApiToken.objects.filter(user=user, name=name).order_by("pk").values_list(
                *field_paths(ApiToken), *field_paths(User, "user__"))]
            assert query.rows(user=user.pk, name=name) == expected
    # Decimals, datetimes and a NULL foreign key, converted as the ORM converts them.
    member = MembershipFactory.create()
    deposit(member.organisation, "1234.50")
    expected = [list(row) for row in Posting.objects.filter(account__organisation=member.organisation).order_by(
        "pk").values_list("pk", "amount", "transaction__created_at", "transaction__actor_id")]
    with CaptureQueriesContext(connection) as queries:
        assert expected and postings(on_server).rows(organisation=member.organisation.pk) == expected
    assert len(queries) == 1  # recorded as any query is


def test_an_instance_holds_the_columns_read_and_defers_the_rest() -> None:
    user = UserFactory.create()
    token, _key = api_token_create(user=user, token=TokenInput(name="n", scopes=("read", "money")))
    read, read_user = instance_and_related(tokens(False).rows(user=user.pk, name="n")[0], ApiToken, User)
    assert (read.pk, read.scopes, read.expires_at, read.key_hash) == (token.pk, ["read", "money"], token.expires_at,
                                                                     token.key_hash)
    assert (read_user.pk, read_user.email) == (user.pk, user.email)
    partial = instance(ApiToken, [token.pk, "n"], only={"id", "name"})
    assert partial.get_deferred_fields() == {field.attname for field in ApiToken._meta.concrete_fields} - {"id", "name"}
    with pytest.raises(ValueError, match="nmae"):  # a misspelt column would shift every value after it
        field_paths(ApiToken, only={"id", "nmae"})


def test_a_named_parameter_that_does_not_reach_the_sql_is_refused() -> None:
    # icontains wraps the value in wildcards: it would no longer be the parameter's marker.
    query = PreparedQuery(lambda p: ApiToken.objects.filter(name__icontains=p.str("name")).values_list("pk"))
    with pytest.raises(ValueError, match="name"):
        query.rows(name="x")
