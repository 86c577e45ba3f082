"""Terms of protection and official-register links.

Patent terms run from the filing date: invention 20 years, utility model 10 years, design
15 years (10 years for designs filed before 2021-06-01, when the amended Patent Law took
effect). Trademark registrations last 10 years from registration and can be renewed.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

DESIGN_TERM_CHANGE = date(2021, 6, 1)

TRADEMARK_REGISTER_URL = "https://sbj.cnipa.gov.cn/sbj/sbcx/"
COPYRIGHT_REGISTER_URL = "https://register.ccopyright.com.cn/query.html"
GI_REGISTER_URL = "https://www.cnipa.gov.cn/col/col1327/index.html"


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year that has none
        return start.replace(year=start.year + years, day=28)


def patent_term_years(office: str, kind: str, filing_date: date) -> int | None:
    if kind == "invention":
        return 20
    if office != "CN":
        return None  # other offices' utility models and designs differ too much to guess
    if kind == "utility_model":
        return 10
    if kind == "design":
        return 15 if filing_date >= DESIGN_TERM_CHANGE else 10
    return None


def patent_expiry(office: str, kind: str, filing_date: date | None) -> date | None:
    """The last day of protection (the day before the anniversary of filing)."""
    if filing_date is None:
        return None
    years = patent_term_years(office, kind, filing_date)
    if years is None:
        return None
    return _add_years(filing_date, years) - timedelta(days=1)


def trademark_expiry(registration_date: date | None) -> date | None:
    if registration_date is None:
        return None
    return _add_years(registration_date, 10) - timedelta(days=1)


def patent_register_url(office: str, publication_number: str | None, application_number: str | None) -> str:
    """CNIPA's public publication page for CN patents; Espacenet for others."""
    if office == "CN" and publication_number:
        return f"https://epub.cnipa.gov.cn/patent/{quote(publication_number)}"
    number = publication_number or application_number
    if not number:
        return ""
    if office == "CN":
        return f"https://worldwide.espacenet.com/patent/search?q={quote('ap=CN' + number.replace('.', ''))}"
    return f"https://worldwide.espacenet.com/patent/search?q={quote(office + number)}"
