"""Nothing secret leaves a health check: ``/readyz`` answers anyone who asks, and error
messages from drivers may quote a connection address, sometimes with its credentials."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings

# scheme://user:password@host → scheme://user:***@host
CREDENTIALS_IN_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^\s/:@]*):(?P<password>[^\s/@]*)@",
                                re.IGNORECASE)
HIDDEN = "***"
DEFAULT_PORTS = {"redis": 6379, "rediss": 6379}


def redis_urls() -> dict[str, str]:
    """The configured Redis addresses by check name; one check per distinct address."""
    urls: dict[str, str] = {}
    for name, url in (("redis", settings.REDIS_URL), ("redis_tasks", settings.IPX_TASKS_REDIS_URL)):
        if url and url not in urls.values():
            urls[name] = url
    return urls


def _known_secrets() -> list[str]:
    secrets = [str(database.get("PASSWORD") or "") for database in settings.DATABASES.values()]
    secrets.append(str(settings.SECRET_KEY))
    for url in redis_urls().values():
        password = urlsplit(url).password
        if password:
            secrets += [password, unquote(password)]
    # Longest first: a password that contains another is hidden whole.
    return sorted({secret for secret in secrets if len(secret) >= 4}, key=len, reverse=True)


def scrub(text: str) -> str:
    text = CREDENTIALS_IN_URL.sub(lambda match: f"{match['scheme']}{match['user']}:{HIDDEN}@", text)
    for secret in _known_secrets():
        text = text.replace(secret, HIDDEN)
    return text


def address(url: str) -> str:
    """host:port of a service URL (or its socket path), never its credentials."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: say nothing more than the host
        port = None
    port = port or DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    return f"{host}:{port}" if port else host
