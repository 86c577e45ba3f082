"""``{% url %}`` as Django's, remembering the addresses it has reversed.

A signed-in page reverses some twenty addresses (the menu, the language switch), each a walk
through the URL resolver: a tenth of the page's CPU. The same name with the same arguments
gives the same address as long as the language, the script prefix and the URL configuration
are the same, so those are the key; arguments other than text and integers, ``as`` variables
and names that do not reverse are left to Django's tag every time. Installed for every
template as a builtin (``TEMPLATES`` → ``OPTIONS`` → ``builtins``), replacing Django's tag.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

# Rendered addresses by everything they depend on; emptied when full (the keys are a site's
# names times its languages, a few hundred, unless arguments vary).
_REVERSED: dict[tuple[Any, ...], SafeString | str] = {}
_MAX_ENTRIES = 10_000


class RememberedURLNode(URLNode):
    def render(self, context: Context) -> SafeString | str:
        key = self._key(context)
        if key is None:
            return super().render(context)
        found = _REVERSED.get(key)
        if found is None:
            found = super().render(context)  # a name that does not reverse raises, as before
            if len(_REVERSED) >= _MAX_ENTRIES:
                _REVERSED.clear()
            _REVERSED[key] = found
        return found

    def _key(self, context: Context) -> tuple[Any, ...] | None:
        if self.asvar:
            return None
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((name, value.resolve(context)) for name, value in self.kwargs.items()))
        if not all(type(value) in (str, int) for value in (*args, *(value for _name, value in kwargs))):
            return None  # e.g. a model instance: its text may change while it stays equal
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        return (self.view_name.resolve(context), args, kwargs, current_app, context.autoescape, get_language(),
                get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)


@register.tag
def url(parser: Parser, token: Token) -> RememberedURLNode:
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@receiver(setting_changed)
def _forget(**_kwargs: Any) -> None:
    # Tests change the URL configuration and languages; forget what was reversed under them.
    _REVERSED.clear()
