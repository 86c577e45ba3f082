"""Template helpers: money in the reader's locale, region and reference-table labels, the
language of people's text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, to_locale

from ipx.accounts.regions import region_code_label
from ipx.core.text_language import language_attributes, marked_in

register = template.Library()


def _babel_locale() -> str:
    language = get_language() or "en"
    return {"zh-hans": "zh_Hans_CN", "zh-hant": "zh_Hant_HK"}.get(language, "en")


@register.filter
def money(amount: Decimal | None, currency: str = "CNY") -> str:
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=_babel_locale())


@register.filter
def number(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_babel_locale())


@register.filter
def region_label(code: str) -> str:
    return region_code_label(code)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (or removed when None/"")."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + params.urlencode() if params else "?"


@register.simple_tag(takes_context=True)
def facet_toggle(context: template.Context, facet: str, value: str) -> str:
    """The current query with ``value`` of ``facet`` switched on or off, back on page 1."""
    params = context["request"].GET.copy()
    values = [v for v in params.getlist(facet) if v]
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(facet, values)
    params.pop("page", None)
    if not values:
        params.pop(facet, None)
    return "?" + params.urlencode() if params else "?"


@register.simple_tag
def text_lang(text: object) -> str:
    """``lang`` and ``dir`` for an element holding people's text (a title, a name) whose
    language may differ from the page's: ``<h1{% text_lang listing.title %}>``."""
    # Highlighted titles (search hits) carry <mark> tags: only their text counts.
    return mark_safe(language_attributes(strip_tags(str(text or "")), get_language() or ""))  # noqa: S308 (fixed attributes)


@register.filter
def text_span(text: object) -> str:
    """People's text wrapped in a ``<span>`` marked as :func:`text_lang` marks it, for a name
    that sits inside a translated sentence: ``{% blocktranslate with who=user.full_name|text_span %}``."""
    value = str(text or "")
    attributes = mark_safe(language_attributes(strip_tags(value), get_language() or ""))  # noqa: S308 (fixed attributes)
    return format_html("<span{}>{}</span>", attributes, value)


@register.simple_tag
def notice_lang(notice: Any) -> str:
    """``lang`` for an element holding a notice's words when they are not in the page's
    language (they are put into the recipient's preferred one, whatever the page's)."""
    language = str(notice.language or "")
    if not language or language.lower() == (get_language() or "").lower():
        return ""
    return format_html(' lang="{}"', to_locale(language).replace("_", "-"))


@register.simple_tag
def notice_words(notice: Any, part: str) -> str:
    """A notice's ``title`` or ``body`` with the people's text it was made with (the names,
    titles and words in its params) each marked with its language against the notice's:
    ``{% notice_words n "title" %}``."""
    pieces = [value for value in (notice.params or {}).values() if isinstance(value, str)]
    return marked_in(str(getattr(notice, part)), pieces, str(notice.language or get_language() or ""))
