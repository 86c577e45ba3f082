"""Reading a data product's application: every field checked, every problem named by its
field and reported at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ipx.core.validation import FieldErrors, clean_choice, clean_date, clean_text
from ipx.dataip.fingerprints import clean_fingerprint
from ipx.dataip.models import DataProduct, DataSource, Industry, UpdateFrequency

MAX_COUNT = 10 ** 15  # records or bytes: far beyond any real data set, below the column's limit
# What a registered product may change (its identity — registrant, source, fingerprint of the
# registered version — may not; a new version is a new registration).
CHANGEABLE = ("name", "description", "structure", "update_frequency", "span_until", "restrictions", "records",
              "size_bytes")


# Digits 0-9, with commas only between groups of three (1,200,000); not other scripts' digits.
_COUNT_RE = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")


def _count(value: object, *, field: str, errors: FieldErrors) -> int:
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    if not _COUNT_RE.fullmatch(text) or not 0 < int(text.replace(",", "")) < MAX_COUNT:
        errors.add(field, _("Enter a whole number above 0."))
        return 0
    return int(text.replace(",", ""))


@dataclass(frozen=True)
class ProductInput:
    name: str
    description: str
    industry: str
    source: str
    collection_method: str
    lawful_basis: str
    records: int
    size_bytes: int
    structure: str
    update_frequency: str
    span_from: date | None
    span_until: date | None
    restrictions: str
    fingerprint: str
    fingerprint_of: str

    @classmethod
    def parse(cls, values: Mapping[str, Any], *, errors: FieldErrors, fingerprint_required: bool) -> ProductInput:
        span_from = clean_date(values.get("span_from"), field="span_from", errors=errors, required=True)
        span_until = clean_date(values.get("span_until"), field="span_until", errors=errors, required=True,
                                not_future=False)
        if span_from and span_until and span_until < span_from:
            errors.add("span_until", _("The data cannot end before it starts."))
        return cls(
            name=clean_text(values.get("name"), field="name", errors=errors, max_length=200),
            description=clean_text(values.get("description"), field="description", errors=errors, max_length=5000),
            industry=clean_choice(values.get("industry"), Industry, field="industry", errors=errors),
            source=clean_choice(values.get("source"), DataSource, field="source", errors=errors),
            collection_method=clean_text(values.get("collection_method"), field="collection_method", errors=errors,
                                         max_length=3000),
            lawful_basis=clean_text(values.get("lawful_basis"), field="lawful_basis", errors=errors,
                                    max_length=3000),
            records=_count(values.get("records"), field="records", errors=errors),
            size_bytes=_count(values.get("size_bytes"), field="size_bytes", errors=errors),
            structure=clean_text(values.get("structure"), field="structure", errors=errors, max_length=10000),
            update_frequency=clean_choice(values.get("update_frequency"), UpdateFrequency, field="update_frequency",
                                          errors=errors),
            span_from=span_from,
            span_until=span_until,
            restrictions=clean_text(values.get("restrictions"), field="restrictions", errors=errors,
                                    required=False, max_length=3000),
            fingerprint=clean_fingerprint(values.get("fingerprint"), field="fingerprint", errors=errors,
                                          required=fingerprint_required),
            fingerprint_of=clean_choice(values.get("fingerprint_of") or DataProduct.FingerprintOf.DATA_SET,
                                        DataProduct.FingerprintOf, field="fingerprint_of", errors=errors),
        )

    def fields(self) -> dict[str, Any]:
        return asdict(self)
