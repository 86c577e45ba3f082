"""Private files: kept under IPX_PRIVATE_ROOT with random names and no URL, and answered by
one helper (streamed, or handed to nginx with X-Accel-Redirect) with headers that keep them
out of shared caches and out of content sniffing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db.models.fields.files import FieldFile, FileField
from django.http import FileResponse, HttpResponse
from django.utils import timezone

from ipx.core.errors import NotFound
from ipx.core.files import RandomPrivateName, content_disposition, private_file_response, random_private_name
from ipx.core.storage import PrivateFileStorage, public_media_storage


class Holder:
    """Stands in for a model row: a FieldFile only needs an instance to hang from."""


def stored(content: bytes) -> FieldFile:
    """A FieldFile of the default (private) storage holding ``content``."""
    field = FileField(upload_to=RandomPrivateName("contracts"))
    field.storage = default_storage
    saved = default_storage.save(random_private_name("contracts", ".pdf"), ContentFile(content))
    return FieldFile(cast(Any, Holder()), field, saved)


def month() -> str:
    return f"{timezone.now():%Y/%m}"


# --- Names ------------------------------------------------------------------------------------

def test_private_names_are_random_and_say_nothing_of_the_file() -> None:
    name_for = RandomPrivateName("contracts")

    first = name_for(Holder(), "deal-42-0123456789abcdef.pdf")  # type: ignore[arg-type]
    second = name_for(Holder(), "deal-42-0123456789abcdef.pdf")  # type: ignore[arg-type]

    assert re.fullmatch(rf"contracts/{month()}/[0-9a-f]{{32}}\.pdf", first)
    assert re.fullmatch(rf"contracts/{month()}/[0-9a-f]{{32}}\.pdf", second)
    assert first != second
    assert "deal" not in first and "0123456789abcdef" not in first


def test_private_names_keep_only_a_plain_extension() -> None:
    assert re.fullmatch(rf"imports/{month()}/[0-9a-f]{{32}}\.csv", random_private_name("imports", ".CSV"))
    assert re.fullmatch(rf"imports/{month()}/[0-9a-f]{{32}}", random_private_name("imports", ".c/../sv"))
    assert re.fullmatch(rf"imports/{month()}/[0-9a-f]{{32}}", random_private_name("imports", ""))


def test_random_names_compare_by_kind_so_migrations_see_no_change() -> None:
    assert RandomPrivateName("contracts") == RandomPrivateName("contracts")
    assert RandomPrivateName("contracts") != RandomPrivateName("imports")
    deconstructed = cast(Any, RandomPrivateName("imports")).deconstruct()
    assert deconstructed == ("ipx.core.files.RandomPrivateName", ("imports",), {})


# --- Storages ---------------------------------------------------------------------------------

def test_the_default_storage_is_private_and_has_no_url(settings: Any) -> None:
    name = default_storage.save("contracts/2026/01/abc.pdf", ContentFile(b"%PDF-1.7"))

    assert isinstance(default_storage, PrivateFileStorage)
    assert Path(default_storage.path(name)) == Path(settings.IPX_PRIVATE_ROOT) / "contracts/2026/01/abc.pdf"
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    with pytest.raises(ValueError, match="Private files have no URL"):
        default_storage.url(name)


def test_the_public_storage_is_the_media_root(settings: Any) -> None:
    public = public_media_storage()

    assert public is storages["public"]
    assert Path(public.path("trademarks/mark.png")) == Path(settings.MEDIA_ROOT) / "trademarks/mark.png"
    assert public.url("trademarks/mark.png") == "/media/trademarks/mark.png"


# --- The answer -------------------------------------------------------------------------------

def test_content_disposition_of_plain_and_chinese_names() -> None:
    assert content_disposition("quote.pdf", as_attachment=True) == 'attachment; filename="quote.pdf"'
    assert content_disposition('a "b" \\c.pdf', as_attachment=False) == 'inline; filename="a \\"b\\" \\\\c.pdf"'
    assert content_disposition("报价单 1.pdf", as_attachment=True) == (
        "attachment; filename=\"download.pdf\"; "
        "filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95%201.pdf")
    # A line break in a stored name must not end the header (nor become a 500).
    assert content_disposition("a\r\nSet-Cookie: x.pdf", as_attachment=True) == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x.pdf")


def test_a_private_file_is_streamed_with_private_headers(settings: Any) -> None:
    settings.IPX_FILES_ACCEL_PREFIX = ""
    file = stored(b"%PDF-1.7 content")

    response = private_file_response(file, filename="合同.pdf", content_type="application/pdf", as_attachment=False)

    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"%PDF-1.7 content"  # type: ignore[arg-type]
    assert (response["Content-Type"], response["Cache-Control"], response["X-Content-Type-Options"]) == (
        "application/pdf", "private, no-store", "nosniff")
    assert response["Content-Disposition"] == (
        "inline; filename=\"download.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf")
    assert "X-Accel-Redirect" not in response


def test_behind_nginx_a_private_file_is_an_internal_redirect(settings: Any) -> None:
    settings.IPX_FILES_ACCEL_PREFIX = "/_private/"
    file = stored(b"%PDF-1.7 content")

    response = private_file_response(file, filename="quote.pdf")

    assert isinstance(response, HttpResponse)
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{file.name}"
    assert (response["Content-Type"], response["Content-Disposition"], response["Cache-Control"],
            response["X-Content-Type-Options"]) == (
        "application/pdf", 'attachment; filename="quote.pdf"', "private, no-store", "nosniff")


@pytest.mark.parametrize("prefix", ["", "/_private"])
def test_a_missing_private_file_is_not_found_in_the_callers_words(settings: Any, prefix: str) -> None:
    settings.IPX_FILES_ACCEL_PREFIX = prefix
    file = stored(b"%PDF-1.7")
    default_storage.delete(str(file.name))

    with pytest.raises(NotFound) as gone:
        private_file_response(file, filename="x.pdf", missing="The contract file is missing.")
    assert gone.value.message == "The contract file is missing."
    with pytest.raises(NotFound) as default:
        private_file_response(file, filename="x.pdf")
    assert default.value.message == "The file is no longer available."
