"""The IPC and Nice tables come back after anything empties the database (flush, the flush
after a transactional test), so classification never silently finds no codes."""

from __future__ import annotations

import pytest
from django.core.management.sql import emit_post_migrate_signal

from ipx.catalog import reference
from ipx.catalog.models import IpcCode, NiceClass
from ipx.catalog.reference_tables import ipc_rows, nice_rows
from ipx.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_migrated_database_holds_every_reference_row() -> None:
    assert IpcCode.objects.count() == len(ipc_rows()) > 70_000
    assert NiceClass.objects.count() == len(nice_rows()) == 45
    assert IpcCode.objects.get(code="A01B1/02").parent == "A01B1/00"


def test_emptied_tables_are_refilled_after_the_database_is_flushed() -> None:
    IpcCode.objects.all().delete()
    NiceClass.objects.filter(number__gt=40).delete()
    reference.clear_caches()
    with pytest.raises(ValidationFailed):
        reference.check_ipc_code("H04L9/32")

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert IpcCode.objects.count() == len(ipc_rows())
    assert NiceClass.objects.count() == 45
    assert reference.check_ipc_code("H04L 9/32") == "H04L9/32"
    assert IpcCode.objects.get(code="H04L").title_zh_hant


def test_full_tables_are_left_as_they_are() -> None:
    IpcCode.objects.filter(code="A01B").update(title_en="edited by the operator")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert IpcCode.objects.get(code="A01B").title_en == "edited by the operator"
