"""The HTML words every mail shares: links among the params become links, other people's text
is marked with its language, and the rest is escaped."""

from __future__ import annotations

from ipx.core.mail import words_html


def test_a_link_is_a_link_and_a_name_inside_it_is_not_marked_there() -> None:
    params = {"name": "广州", "link": "https://ipx.example/invite/广州/"}
    html = words_html("加入 广州：https://ipx.example/invite/广州/ 。", params, "en")
    assert str(html) == ('加入 <span lang="zh-Hans" dir="auto">广州</span>：'
                         '<a href="https://ipx.example/invite/广州/">https://ipx.example/invite/广州/</a> 。')


def test_words_that_only_start_with_an_address_are_words_not_a_link() -> None:
    params = {"reason": "https://ipx.example/ <b>is</b> down"}
    html = words_html("Not verified: https://ipx.example/ <b>is</b> down", params, "en")
    assert str(html) == 'Not verified: <span dir="auto">https://ipx.example/ &lt;b&gt;is&lt;/b&gt; down</span>'


def test_an_address_with_markup_in_it_is_escaped_in_the_link_and_its_text() -> None:
    params = {"link": 'https://ipx.example/?a=1&b="2"'}
    html = words_html('Open https://ipx.example/?a=1&b="2"', params, "zh-hans")
    assert str(html) == ('Open <a href="https://ipx.example/?a=1&amp;b=&quot;2&quot;">'
                         'https://ipx.example/?a=1&amp;b=&quot;2&quot;</a>')
