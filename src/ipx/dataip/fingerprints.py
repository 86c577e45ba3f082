"""SHA-256 fingerprints of data sets: given as 64 hex digits, or computed from the uploaded
file as it arrives, in chunks, so a 2 GB file is never held in memory."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from ipx.core.validation import FieldErrors

HEX64 = re.compile(r"[0-9a-f]{64}")


def clean_fingerprint(value: object, *, field: str, errors: FieldErrors, required: bool = True) -> str:
    """Lower-case hex; spaces and colons people paste from tools are dropped."""
    text = re.sub(r"[\s:]", "", "" if value is None else str(value)).lower()
    if not text and not required:
        return ""
    if not HEX64.fullmatch(text):
        errors.add(field, _("A SHA-256 fingerprint is 64 hexadecimal digits (0–9, a–f); this has %(n)d characters "
                            "or others.") % {"n": len(text)})
    return text


def digest_of(chunks: Iterable[bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and size of what ``chunks`` yield."""
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
