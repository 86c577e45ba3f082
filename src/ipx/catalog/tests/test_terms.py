from __future__ import annotations

from datetime import date

from ipx.catalog import terms


def test_patent_terms_run_from_filing() -> None:
    assert terms.patent_expiry("CN", "invention", date(2020, 3, 1)) == date(2040, 2, 29)
    assert terms.patent_expiry("CN", "utility_model", date(2021, 12, 2)) == date(2031, 12, 1)
    assert terms.patent_expiry("CN", "design", date(2021, 6, 1)) == date(2036, 5, 31)
    assert terms.patent_expiry("CN", "design", date(2021, 5, 31)) == date(2031, 5, 30)
    assert terms.patent_expiry("US", "design", date(2021, 5, 31)) is None
    assert terms.patent_expiry("CN", "invention", None) is None


def test_leap_day_filing() -> None:
    assert terms.patent_expiry("CN", "utility_model", date(2020, 2, 29)) == date(2030, 2, 27)


def test_trademark_term() -> None:
    assert terms.trademark_expiry(date(2019, 5, 14)) == date(2029, 5, 13)


def test_register_links() -> None:
    assert terms.patent_register_url("CN", "CN218751475U", "202223220665.2") == \
        "https://epub.cnipa.gov.cn/patent/CN218751475U"
    assert "espacenet" in terms.patent_register_url("US", "US11234567B2", None)
    assert terms.patent_register_url("CN", None, None) == ""
