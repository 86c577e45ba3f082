"""Terms the API reads whatever else a request says (``listings.api``, and offers in
``deals.negotiation``).

The terms' parsers read licence terms only for a licence and the free trial only for "use
first, pay later", and leave them alone otherwise. The API's document states their limits
for every request, so a request that sends them out of their limits is refused whatever it
offers, in the parsers' own words.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.core.validation import FieldErrors, clean_choice
from ipx.listings.models import Exclusivity
from ipx.listings.terms import MAX_TERM_MONTHS, parse_months, parse_trial_months


def check_terms_as_given(*, exclusivity: str | None, term_months: int | None, trial_months: int | None,
                         errors: FieldErrors) -> None:
    """Each of the licence and trial terms that is given, within its limits."""
    if exclusivity:
        clean_choice(exclusivity, Exclusivity, field="licence_exclusivity", errors=errors)
    if term_months is not None:
        parse_months(term_months, field="licence_term_months", errors=errors, label=_("The licence term"),
                     high=MAX_TERM_MONTHS, required=False)
    if trial_months is not None:
        parse_trial_months(trial_months, errors=errors)
