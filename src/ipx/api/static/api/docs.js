// Draws the API documentation with the vendored Swagger UI. A file of its own rather than
// an inline script, so that the page works under a Content-Security-Policy without
// 'unsafe-inline'. The page gives the document's address and the CSRF token as data.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.getAttribute("data-csrf-token");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    // The default asks validator.swagger.io about the document: nothing leaves this host.
    validatorUrl: null,
    // "Try it out" with the page's session writes like a page does: with the CSRF token.
    requestInterceptor: function (request) {
      if (csrfToken) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
