"""``{% url %}`` remembers what it reversed and still gives Django's answer whatever changes:
language, script prefix, URL configuration, arguments, ``as`` variables, failures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.template import Context, Engine
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, include, path, set_script_prefix
from django.utils import translation

from ipx.web.templatetags import reversed_urls


def _view(request: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse()


_shelf: tuple[list[URLPattern], str] = ([path("<id:pk>/<slug:part>/", _view, name="item")], "shelf")
urlpatterns: list[URLPattern | URLResolver] = [
    *i18n_patterns(path("things/<id:pk>/", _view, name="thing"), path("a&b/", _view, name="amp")),
    path("plain/<str:word>/", _view, name="plain"),
    path("shelf/", include(_shelf)),
]


class OtherURLs:
    """Another URL configuration (Django accepts any object with ``urlpatterns``)."""

    urlpatterns = [path("elsewhere/<id:pk>/", _view, name="thing")]


TEMPLATE = ("{% url 'thing' pk %}|{% url 'plain' word=word %}|{% url 'shelf:item' pk part %}|{% url 'amp' %}|"
            "{% url 'thing' 7 as saved %}{{ saved }}")


def _engines() -> tuple[Engine, Engine]:
    """Django's own tag, and the one every IPX template uses."""
    return Engine(), Engine(builtins=["ipx.web.templatetags.reversed_urls"])


@pytest.fixture(autouse=True)
def _urls() -> Iterator[None]:
    with override_settings(ROOT_URLCONF=__name__, LANGUAGE_CODE="en",
                           LANGUAGES=[("en", "English"), ("zh-hans", "简体中文")]):
        yield
    set_script_prefix("/")


def _both(template: str, autoescape: bool = True, **values: Any) -> tuple[str, str]:
    django, ours = _engines()
    return (django.from_string(template).render(Context(values, autoescape=autoescape)),
            ours.from_string(template).render(Context(values, autoescape=autoescape)))


def test_the_same_addresses_as_djangos_as_language_prefix_and_arguments_change() -> None:
    values: dict[str, Any] = {"pk": 3, "word": "水", "part": "a-b"}
    for language in ("en", "zh-hans", "en"):
        for prefix in ("/", "/ipx/", "/"):
            set_script_prefix(prefix)
            with translation.override(language):
                for pk in (3, 4, 3):
                    django, ours = _both(TEMPLATE, **(values | {"pk": pk}))
                    assert ours == django
                    assert ours.startswith(f"{prefix}{language}/things/{pk}/|")
    assert _both("{% url 'amp' %}", autoescape=False) == ("/en/a&b/", "/en/a&b/")
    assert _both("{% url 'amp' %}")[1] == "/en/a&amp;b/"
    assert reversed_urls._REVERSED  # remembered


def test_another_url_configuration_is_followed() -> None:
    before = _both("{% url 'thing' 5 %}")
    with override_settings(ROOT_URLCONF=OtherURLs):
        assert _both("{% url 'thing' 5 %}") == ("/elsewhere/5/", "/elsewhere/5/")
    assert _both("{% url 'thing' 5 %}") == before == ("/en/things/5/", "/en/things/5/")


def test_a_name_that_does_not_reverse_fails_every_time() -> None:
    _django, ours = _engines()
    template = ours.from_string("{% url 'thing' word %}")
    for _attempt in range(2):
        with pytest.raises(NoReverseMatch):
            template.render(Context({"word": "not-a-number"}))
    assert ours.from_string("{% url 'nowhere' as gone %}[{{ gone }}]").render(Context()) == "[]"


def test_arguments_that_are_not_text_or_numbers_are_not_remembered() -> None:
    class Numbered:
        def __init__(self, number: int) -> None:
            self.number = number

        def __str__(self) -> str:
            return str(self.number)

    reversed_urls._REVERSED.clear()
    first, changing = Numbered(1), Numbered(1)
    assert _both("{% url 'plain' word %}", word=first) == ("/plain/1/", "/plain/1/")
    changing.number = 2
    assert _both("{% url 'plain' word %}", word=changing) == ("/plain/2/", "/plain/2/")
    assert not reversed_urls._REVERSED
