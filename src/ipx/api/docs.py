"""The API's documentation page: Swagger UI from the project's own static files (vendored in
``static/api/swagger-ui``), started by a static script, so that the page works offline and
under a Content-Security-Policy that refuses inline scripts and other hosts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(DocsBase):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(request, self.template, {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})
