"""Highlighted snippets, computed on the original text (which may be Traditional Chinese)
so that every engine shows the same thing."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ipx.search.normalise import simplify


def _aligned(text: str) -> str:
    """A Simplified, lower-case copy with the same length, so offsets map back 1:1."""
    converted = simplify(text)
    if len(converted) == len(text):
        return converted
    return "".join(simplify(ch)[:1] or ch for ch in text)


def _spans(folded: str, tokens: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for token in sorted(set(tokens), key=len, reverse=True):
        if not token:
            continue
        if token.isascii() and token.isalnum():
            # English tokens are stems: mark the whole word that starts with the stem.
            pattern = re.compile(rf"(?<![a-z0-9]){re.escape(token)}[a-z0-9]*")
        else:
            pattern = re.compile(re.escape(token))
        spans += [(m.start(), m.end()) for m in pattern.finditer(folded)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(escape(text[position:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(escape(text[position:end]))
    return "".join(out)


def highlight(text: str, tokens: list[str]) -> SafeString:
    """The whole text, escaped, with query tokens marked."""
    if not text:
        return mark_safe("")
    spans = _spans(_aligned(text), tokens) if tokens else []
    return mark_safe(_render(text, spans, 0, len(text)))  # noqa: S308 - every piece is escaped


def snippet(text: str, tokens: list[str], length: int = 180) -> SafeString:
    """The window of ``length`` characters with the most matches, escaped and marked."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    spans = _spans(_aligned(text), tokens) if tokens else []
    if len(text) <= length:
        return mark_safe(_render(text, spans, 0, len(text)))  # noqa: S308 - escaped
    best_start, best_hits = 0, -1
    for span_start, _end in spans:
        start = max(0, min(span_start - length // 4, len(text) - length))
        hits = sum(1 for s, e in spans if s >= start and e <= start + length)
        if hits > best_hits:
            best_start, best_hits = start, hits
    end = min(len(text), best_start + length)
    body = _render(text, spans, best_start, end)
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - escaped in _render
