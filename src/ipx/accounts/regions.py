"""Where an organisation is: a mainland province and city, Hong Kong, Macao, Taiwan, or a
country abroad by ISO 3166 code (names from CLDR via Babel, in the reader's language)."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    MAINLAND = "mainland", _("Mainland China")
    HONG_KONG = "hk", _("Hong Kong")
    MACAO = "mo", _("Macao")
    TAIWAN = "tw", _("Taiwan")
    OVERSEAS = "overseas", _("Overseas")


class Province(models.TextChoices):
    """Provincial-level divisions of the mainland by their GB/T 2260 codes."""

    BEIJING = "11", _("Beijing")
    TIANJIN = "12", _("Tianjin")
    HEBEI = "13", _("Hebei")
    SHANXI = "14", _("Shanxi")
    INNER_MONGOLIA = "15", _("Inner Mongolia")
    LIAONING = "21", _("Liaoning")
    JILIN = "22", _("Jilin")
    HEILONGJIANG = "23", _("Heilongjiang")
    SHANGHAI = "31", _("Shanghai")
    JIANGSU = "32", _("Jiangsu")
    ZHEJIANG = "33", _("Zhejiang")
    ANHUI = "34", _("Anhui")
    FUJIAN = "35", _("Fujian")
    JIANGXI = "36", _("Jiangxi")
    SHANDONG = "37", _("Shandong")
    HENAN = "41", _("Henan")
    HUBEI = "42", _("Hubei")
    HUNAN = "43", _("Hunan")
    GUANGDONG = "44", _("Guangdong")
    GUANGXI = "45", _("Guangxi")
    HAINAN = "46", _("Hainan")
    CHONGQING = "50", _("Chongqing")
    SICHUAN = "51", _("Sichuan")
    GUIZHOU = "52", _("Guizhou")
    YUNNAN = "53", _("Yunnan")
    TIBET = "54", _("Tibet")
    SHAANXI = "61", _("Shaanxi")
    GANSU = "62", _("Gansu")
    QINGHAI = "63", _("Qinghai")
    NINGXIA = "64", _("Ningxia")
    XINJIANG = "65", _("Xinjiang")


# Countries an overseas organisation may name: ISO 3166-1 alpha-2 codes other than China's
# own regions, which have their own region kinds.
_DOMESTIC_CODES = {"CN", "HK", "MO", "TW"}
# CLDR also names groupings and exceptionally reserved codes that are not countries.
_NOT_ISO_3166 = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}


def _babel_locale(language: str | None) -> Locale:
    language = (language or "en").lower()
    if language == "zh-hant":
        return Locale.parse("zh_Hant_HK")
    if language.startswith("zh"):
        return Locale.parse("zh_Hans_CN")
    return Locale.parse("en")


@lru_cache(maxsize=4)
def _country_names(language: str) -> dict[str, str]:
    territories = _babel_locale(language).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _DOMESTIC_CODES | _NOT_ISO_3166
    }


def is_country_code(code: str) -> bool:
    return code in _country_names("en")


def country_name(code: str, language: str | None = None) -> str:
    return _country_names(language or get_language() or "en").get(code, code)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    names = _country_names(language or get_language() or "en")
    return sorted(names.items(), key=lambda item: item[1])


def region_label(kind: str, province: str = "", city: str = "", country: str = "") -> str:
    """A short human label, e.g. "Guangdong · Shenzhen", "Hong Kong", "Germany"."""
    if kind == RegionKind.MAINLAND:
        parts = [str(Province(province).label) if province in Province.values else "", city]
        return " · ".join(p for p in parts if p) or str(RegionKind.MAINLAND.label)
    if kind == RegionKind.OVERSEAS:
        return country_name(country)
    return str(RegionKind(kind).label) if kind in RegionKind.values else ""


def region_code(kind: str, province: str = "", country: str = "") -> str:
    """One code per region for facets: CN-44 for Guangdong, HK, MO, TW, or the country code."""
    if kind == RegionKind.MAINLAND:
        return f"CN-{province}" if province else "CN"
    if kind == RegionKind.OVERSEAS:
        return country
    return {"hk": "HK", "mo": "MO", "tw": "TW"}.get(kind, "")


def region_code_label(code: str) -> str:
    if code.startswith("CN-") and code[3:] in Province.values:
        return str(Province(code[3:]).label)
    if code == "CN":
        return str(RegionKind.MAINLAND.label)
    domestic = {"HK": RegionKind.HONG_KONG, "MO": RegionKind.MACAO, "TW": RegionKind.TAIWAN}
    if code in domestic:
        return str(domestic[code].label)
    return country_name(code)
