"""People's text is marked with its language where it differs from the page's, guessed from
its script (Chinese told Simplified from Traditional where its characters say), and always
sets its own direction."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from ipx.core.text_language import chinese_script, guess_language, language_attributes


@pytest.mark.parametrize(("text", "language"), [
    ("高安全性锂电池隔膜", "zh-Hans"),
    ("高安全性鋰電池隔膜", "zh-Hant"),
    ("中山", "zh"),  # written the same in both scripts
    ("Lithium battery separator", "en"),
    ("Séparateur de batterie", "en"),  # Latin letters with accents: Latin script
    ("פטנט מפריד סוללת ליתיום", "he"),
    ("براءة اختراع فاصل بطارية", "ar"),
    ("锂电池 separator", "en"),  # nine Latin letters outnumber three Chinese characters
    ("CN 2023 10 123456.7", "en"),  # the letters count, not the digits
    ("2023-10-01 · 123456", None),
    ("", None),
])
def test_the_language_is_the_script_of_most_letters(text: str, language: str | None) -> None:
    assert guess_language(text) == language


def test_a_tie_goes_to_the_script_met_first() -> None:
    assert guess_language("电池ab") == "zh-Hans"
    assert guess_language("ab电池") == "en"


@pytest.mark.parametrize(("text", "script"), [
    ("华为技术有限公司", "zh-Hans"),
    ("發明專利", "zh-Hant"),
    ("台積電", "zh-Hant"),  # converting to Traditional changes 台 too: Simplified's change decides
    ("人工智能", "zh"),
    ("甲乙丙", "zh"),
    ("中山大学", "zh-Hans"),  # one Simplified character among shared ones is enough
    ("中山大學", "zh-Hant"),
])
def test_chinese_is_simplified_or_traditional_where_a_character_says(text: str, script: str) -> None:
    assert chinese_script(text) == script


def test_only_the_chinese_characters_decide_the_script() -> None:
    # Latin letters and digits are never changed by a conversion; they must not hide one.
    assert guess_language("鋰電池 AB-12") == "zh-Hant"
    assert guess_language("锂电池 AB-12") == "zh-Hans"


@pytest.mark.parametrize(("text", "page", "attributes"), [
    ("高安全性锂电池隔膜", "en", ' lang="zh-Hans" dir="auto"'),
    ("高安全性鋰電池隔膜", "en", ' lang="zh-Hant" dir="auto"'),
    ("人工智能", "en", ' lang="zh" dir="auto"'),
    ("高安全性锂电池隔膜", "zh-hans", ' dir="auto"'),
    ("高安全性鋰電池隔膜", "zh-hant", ' dir="auto"'),
    ("高安全性鋰電池隔膜", "zh-hans", ' lang="zh-Hant" dir="auto"'),
    ("高安全性锂电池隔膜", "zh-hant", ' lang="zh-Hans" dir="auto"'),
    ("人工智能", "zh-hans", ' dir="auto"'),
    ("人工智能", "zh-hant", ' dir="auto"'),
    ("Lithium battery separator", "zh-hans", ' lang="en" dir="auto"'),
    ("Lithium battery separator", "en", ' dir="auto"'),
    ("פטנט מפריד סוללת ליתיום", "en", ' lang="he" dir="auto"'),
    ("براءة اختراع", "zh-hant", ' lang="ar" dir="auto"'),
    ("123456", "en", ' dir="auto"'),
])
def test_attributes_name_a_language_only_where_it_differs_from_the_page(
        text: str, page: str, attributes: str) -> None:
    assert language_attributes(text, page) == attributes


def test_the_template_tag_reads_the_page_language() -> None:
    template = Template('{% load ipx %}<h1{% text_lang title %}>{{ title|default:"" }}</h1>')
    with translation.override("en"):
        assert template.render(Context({"title": "锂电池隔膜"})) == '<h1 lang="zh-Hans" dir="auto">锂电池隔膜</h1>'
    with translation.override("zh-hans"):
        assert template.render(Context({"title": "锂电池隔膜"})) == '<h1 dir="auto">锂电池隔膜</h1>'
        assert template.render(Context({"title": None})) == '<h1 dir="auto"></h1>'
        assert template.render(Context({"title": "鋰電池隔膜"})) == '<h1 lang="zh-Hant" dir="auto">鋰電池隔膜</h1>'


def test_a_name_inside_a_translated_sentence_is_wrapped_and_escaped() -> None:
    template = Template(
        '{% load i18n ipx %}{% blocktranslate with who=name|text_span %}Signed by {{ who }}{% endblocktranslate %}')
    with translation.override("en"):
        assert template.render(Context({"name": "王小明"})) == 'Signed by <span lang="zh" dir="auto">王小明</span>'
        assert template.render(Context({"name": "<b>Li</b>"})) == (
            'Signed by <span dir="auto">&lt;b&gt;Li&lt;/b&gt;</span>')
