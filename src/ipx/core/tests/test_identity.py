from __future__ import annotations

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import IntegrityError, transaction

from ipx.core.identity import database_identity
from ipx.core.models import DatabaseIdentity

pytestmark = pytest.mark.django_db


def test_a_migrated_database_has_one_lasting_identity() -> None:
    first = database_identity()
    assert DatabaseIdentity.objects.count() == 1
    assert database_identity() == first
    with pytest.raises(IntegrityError), transaction.atomic():
        DatabaseIdentity.objects.create(id=2)


def test_an_emptied_database_gets_a_new_identity_after_the_flush() -> None:
    before = database_identity()
    DatabaseIdentity.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert DatabaseIdentity.objects.count() == 1
    assert database_identity() != before
