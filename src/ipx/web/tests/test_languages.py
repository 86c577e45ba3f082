"""Pages in each interface language: English, Simplified Chinese (mainland) and Traditional
Chinese (Hong Kong), chosen by the language cookie or by the browser's Accept-Language."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ipx.accounts.models import Organisation, User
from ipx.listings import services
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "zh-hans", "zh-hant")

# The texts a reader sees, by language.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "register": "Register",
        "log_in": "Log in",
        "search": "Search",
        "headline": "Find, license and buy intellectual property",
        "register_heading": "Register your organisation",
        "uscc_label": "Unified Social Credit Code",
        "ip_type": "IP type",
        "offered_as": "Offered as",
        "patent": "Patent",
        "transfer": "Transfer (assignment)",
        "found_one": "1 listing found",
        "uscc_check_error": "The Unified Social Credit Code's check character is wrong; check for a typing error.",
    },
    "zh-hans": {
        "register": "注册",
        "log_in": "登录",
        "search": "搜索",
        "headline": "查找、许可和购买知识产权",
        "register_heading": "注册您的机构",
        "uscc_label": "统一社会信用代码",
        "ip_type": "知识产权类型",
        "offered_as": "交易方式",
        "patent": "专利",
        "transfer": "转让",
        "found_one": "找到 1 个挂牌项目",
        "uscc_check_error": "统一社会信用代码的校验位不正确，请检查是否输入有误。",
    },
    "zh-hant": {
        "register": "註冊",
        "log_in": "登入",
        "search": "搜尋",
        "headline": "查找、許可和購買知識產權",
        "register_heading": "註冊您的機構",
        "uscc_label": "統一社會信用代碼",
        "ip_type": "知識產權類型",
        "offered_as": "交易方式",
        "patent": "專利",
        "transfer": "轉讓",
        "found_one": "找到 1 個掛牌項目",
        "uscc_check_error": "統一社會信用代碼的校驗位不正確，請檢查是否輸入有誤。",
    },
}

REGISTRATION = {
    "full_name": "Chan Tai Man", "email": "tm.chan@example.com", "password": "a long secret 123",
    "name": "深圳海岸新材料有限公司", "kind": "enterprise", "region_kind": "mainland", "province": "44",
    "city": "深圳",
    "uscc": "91110000600037341N",  # the check character of 91110000600037341M changed
}


class _Elements(HTMLParser):
    """The text of every element, with its tag, its attributes and its ancestors' tags and
    attributes; enough to pick "the submit button of the search form" out of a page."""

    _VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
             "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.texts: list[list[str]] = []
        self.found: list[tuple[str, dict[str, str], list[tuple[str, dict[str, str]]], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            return
        self.stack.append((tag, {name: value or "" for name, value in attrs}))
        self.texts.append([])

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, attrs = self.stack.pop()
            text = "".join(self.texts.pop()).strip()
            if self.texts:
                self.texts[-1].append(text)
            self.found.append((open_tag, attrs, list(self.stack), text))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.texts:
            self.texts[-1].append(data)


def texts_of(html: str, tag: str, *, inside: tuple[str, str, str] | None = None, **attrs: str) -> list[str]:
    """The texts of the elements ``tag`` with the attributes ``attrs`` (``class_`` for class;
    a class matches when it is one of the element's classes), optionally inside an element
    given as (tag, attribute, value)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()

    def matches(element_attrs: dict[str, str], name: str, value: str) -> bool:
        name = name.rstrip("_")
        if name == "class":
            return value in element_attrs.get("class", "").split()
        return element_attrs.get(name) == value

    found = []
    for element_tag, element_attrs, ancestors, text in parser.found:
        if element_tag != tag or not all(matches(element_attrs, n, v) for n, v in attrs.items()):
            continue
        if inside is not None and not any(
                a_tag == inside[0] and matches(a_attrs, inside[1], inside[2]) for a_tag, a_attrs in ancestors):
            continue
        found.append(text)
    return found


def client_for(language: str, how: str) -> Client:
    if how == "cookie":
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client
    return Client(HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")


def page(client: Client, url: str, language: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    return html


@pytest.fixture
def published(owner: Member, operator: User, on_commit: Any) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, title="高安全性锂电池隔膜专利转让",
                                  offer_kinds=["transfer"])
    with on_commit():
        services.listing_submit(listing_id=listing.pk, actor=owner.user)
        services.listing_approve(listing_id=listing.pk, operator=operator)


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page(language: str, how: str) -> None:
    text = TEXTS[language]
    html = page(client_for(language, how), "/", language)
    assert texts_of(html, "a", class_="button", href="/accounts/register/",
                    inside=("div", "class", "usernav")) == [text["register"]]
    assert texts_of(html, "a", href="/accounts/login/") == [text["log_in"]]
    assert texts_of(html, "button", type="submit", inside=("form", "role", "search")) == [text["search"]]
    assert texts_of(html, "h1") == [text["headline"]]


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_registration_page(language: str, how: str) -> None:
    text = TEXTS[language]
    html = page(client_for(language, how), "/accounts/register/", language)
    assert texts_of(html, "h1") == [text["register_heading"]]
    assert texts_of(html, "button", class_="primary", type="submit") == [text["register"]]
    # The label suffix (":" or "：") comes from Django's own catalogues.
    assert [label.rstrip(":：") for label in texts_of(html, "label", for_="id_uscc")] == [text["uscc_label"]]


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_search_page(language: str, how: str, published: None) -> None:
    text = TEXTS[language]
    html = page(client_for(language, how), "/search/?q=%E9%8B%B0%E9%9B%BB%E6%B1%A0", language)  # 鋰電池
    assert texts_of(html, "button", type="submit", inside=("form", "role", "search")) == [text["search"]]
    facet_titles = texts_of(html, "h2", inside=("aside", "class", "facets"))
    assert facet_titles[:2] == [text["ip_type"], text["offered_as"]]
    facet_options = texts_of(html, "span", inside=("aside", "class", "facets"))
    assert text["patent"] in facet_options
    assert text["transfer"] in facet_options
    assert texts_of(html, "p", id="result-count") == [text["found_one"]]


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_registration_error_is_in_the_page_language(language: str, how: str) -> None:
    response = client_for(language, how).post("/accounts/register/", REGISTRATION)
    assert response.status_code == 400
    assert response["Content-Language"] == language
    errors = texts_of(response.content.decode(), "li", inside=("div", "id", "field-uscc"))
    assert errors == [TEXTS[language]["uscc_check_error"]]
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(("accept", "language"), [
    ("zh-HK,zh;q=0.9,en;q=0.8", "zh-hant"),
    ("zh-TW,zh;q=0.9", "zh-hant"),
    ("zh-MO", "zh-hant"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
    ("zh", "zh-hans"),
    ("fr-FR,fr;q=0.9", "en"),
])
def test_regional_browser_languages_get_their_script(accept: str, language: str) -> None:
    html = page(Client(HTTP_ACCEPT_LANGUAGE=accept), "/", language)
    assert texts_of(html, "a", class_="button", href="/accounts/register/",
                    inside=("div", "class", "usernav")) == [TEXTS[language]["register"]]
