"""Reference tables (IPC, Nice) as read by validation and pages; cached per process."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipx.catalog.identifiers import ipc_shape_ok, ipc_subclass, normalise_ipc
from ipx.catalog.models import IpcCode, NiceClass
from ipx.core.errors import NotFound, ValidationFailed


@lru_cache(maxsize=1)
def known_ipc_codes() -> frozenset[str]:
    return frozenset(IpcCode.objects.values_list("code", flat=True))


@lru_cache(maxsize=1)
def known_ipc_subclasses() -> frozenset[str]:
    return frozenset(code[:4] for code in known_ipc_codes() if len(code) >= 4)


def clear_caches() -> None:
    for cached in (known_ipc_codes, known_ipc_subclasses, ipc_top_titles, nice_headings):
        cached.cache_clear()


def check_ipc_code(value: str, *, field: str = "ipc_codes") -> str:
    """A normalised IPC code known to the table.

    A group code from an earlier IPC edition (e.g. H04N5/225, now H04N23/…) is still found on
    granted patents, so a well-formed group under a known subclass is accepted; a code whose
    subclass the IPC does not have is refused.
    """
    code = normalise_ipc(value)
    if not ipc_shape_ok(code):
        raise ValidationFailed.for_field(
            field, _("“%(value)s” is not an IPC code; expected e.g. H04L, H04L29/06 or G06F16/33.")
            % {"value": value},
        )
    if code in known_ipc_codes():
        return code
    if len(code) > 4 and ipc_subclass(code) in known_ipc_subclasses():
        return code
    raise ValidationFailed.for_field(
        field, _("“%(value)s” is not in the IPC: no such %(level)s.")
        % {"value": value, "level": _("subclass") if len(code) >= 4 else _("class or section")},
    )


def ipc_title(code: IpcCode, language: str | None = None) -> str:
    language = language or get_language() or "en"
    if language == "zh-hant":
        return code.title_zh_hant
    if language.startswith("zh"):
        return code.title_zh
    return code.title_en or code.title_zh


def ipc_entry(code: str) -> IpcCode:
    try:
        return IpcCode.objects.get(code=normalise_ipc(code))
    except IpcCode.DoesNotExist:
        raise NotFound(_("No IPC entry %(code)s.") % {"code": code}) from None


def ipc_children(parent: str) -> QuerySet[IpcCode]:
    return IpcCode.objects.filter(parent=parent).order_by("code")


def ipc_ancestors(entry: IpcCode) -> list[IpcCode]:
    chain: list[IpcCode] = []
    parent = entry.parent
    while parent:
        found = IpcCode.objects.filter(code=parent).first()
        if found is None:
            break
        chain.append(found)
        parent = found.parent
    return list(reversed(chain))


def ipc_search(text: str, limit: int = 50) -> QuerySet[IpcCode]:
    text = text.strip()
    code = normalise_ipc(text)
    if ipc_shape_ok(code) or (code and code[0] in "ABCDEFGH" and code[1:].replace("/", "").isalnum()):
        return IpcCode.objects.filter(code__startswith=code).order_by("code")[:limit]
    matches = Q(title_zh__contains=text) | Q(title_zh_hant__contains=text) | Q(title_en__icontains=text)
    return IpcCode.objects.filter(matches).order_by("code")[:limit]


def nice_heading(entry: NiceClass, language: str | None = None) -> str:
    language = language or get_language() or "en"
    if language == "zh-hant":
        return entry.heading_zh_hant
    if language.startswith("zh"):
        return entry.heading_zh
    return entry.note_en


@lru_cache(maxsize=8)
def ipc_top_titles(language: str) -> dict[str, str]:
    """Titles of the IPC's sections and classes (the facets' levels), read once per language."""
    entries = IpcCode.objects.filter(level__in=[IpcCode.Level.SECTION, IpcCode.Level.CLASS])
    return {entry.code: ipc_title(entry, language) for entry in entries}


@lru_cache(maxsize=8)
def nice_headings(language: str) -> dict[int, str]:
    return {entry.number: nice_heading(entry, language) for entry in NiceClass.objects.all()}


def nice_classes() -> QuerySet[NiceClass]:
    return NiceClass.objects.order_by("number")
