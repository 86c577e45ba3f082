"""The report's number and fingerprint.

A PDF made twice differs in its bytes (WeasyPrint stamps the time it was made), so a report is
checked by what it says rather than by its file: the fingerprint is the SHA-256 of the
signed-off figures in a fixed JSON form (who, what, each approach's inputs and result, the
conclusion, who signed off and when). The valuation's page shows it; a printed or forwarded
report whose fingerprint matches carries the figures the appraiser signed off.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from decimal import Decimal

from ipx.core.money import CENT
from ipx.finance.models import Valuation


def report_number(valuation: Valuation) -> str:
    """The number printed on the report and shown on pages: valuation year and id."""
    return f"IPX-V-{valuation.valuation_date:%Y}-{valuation.pk:06d}"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(CENT)}"


def fingerprint_document(valuation: Valuation) -> dict[str, object]:
    """What the fingerprint is taken of: the figures as stored, in a form that does not depend
    on the reader's language or the database's spelling of a number."""
    signed_at = valuation.signed_off_at
    return {
        "number": report_number(valuation),
        "requester": valuation.requester_id,
        "appraiser": valuation.appraiser_id,
        "assets": sorted(valuation.asset_links.values_list("asset_id", flat=True)),
        "purpose": valuation.purpose,
        "currency": valuation.currency,
        "valuation_date": valuation.valuation_date.isoformat(),
        "income": {"inputs": valuation.income_inputs, "value": _text(valuation.income_value)},
        "cost": {"inputs": valuation.cost_inputs, "value": _text(valuation.cost_value)},
        "market": {"inputs": valuation.market_inputs, "value": _text(valuation.market_value)},
        "concluded": [_text(valuation.concluded_value), _text(valuation.concluded_low),
                      _text(valuation.concluded_high)],
        "reasoning": valuation.reasoning,
        "signed_off_by": valuation.signed_off_by_id,
        "signed_off_at": None if signed_at is None else signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }


def valuation_fingerprint(valuation: Valuation) -> str:
    """The SHA-256 (hex) of the signed-off figures."""
    canonical = json.dumps(fingerprint_document(valuation), ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
