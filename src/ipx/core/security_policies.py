"""The browser-facing security policies the settings hand to django-csp and
django-permissions-policy (used by ``ipx.settings``, before Django is set up)."""

from __future__ import annotations


def content_security_policy(*, upgrade_insecure_requests: bool) -> dict[str, object]:
    """Content-Security-Policy: scripts, styles, fonts and requests from this site only; no
    inline script or style (behaviour lives in static/ipx/ipx.js), no plugins, never framed.
    Images may also be data: URIs (Swagger UI's icons, QR codes of second factors)."""
    return {"DIRECTIVES": {
        **{directive: ["'self'"] for directive in (
            "default-src", "script-src", "style-src", "font-src", "connect-src", "form-action")},
        "img-src": ["'self'", "data:"],
        **{directive: ["'none'"] for directive in ("object-src", "base-uri", "frame-ancestors")},
        "upgrade-insecure-requests": upgrade_insecure_requests,
    }}


def permissions_policy() -> dict[str, list[str]]:
    """Permissions-Policy: no page of the exchange needs any of these features."""
    return {feature: [] for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "usb", "xr-spatial-tracking",
    )}
