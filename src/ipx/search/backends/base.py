"""The interface every search engine implements."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence

from ipx.search.documents import SearchDocument
from ipx.search.query import SearchQuery, SearchResults

Progress = Callable[[int], None]

# The SQL engines' columns of the keyword facets: facet -> (column, multi-valued?).
FACET_COLUMNS = {
    "ip_type": ("ip_types", True),
    "offer_kind": ("offer_kinds", True),
    "ipc_section": ("ipc_sections", True),
    "ipc_class": ("ipc_classes", True),
    "nice_class": ("nice_classes", True),
    "region": ("region", False),
    "currency": ("currency", False),
}


class SearchBackend(abc.ABC):
    name: str

    @abc.abstractmethod
    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        """Add documents, replacing any with the same listing id; visible when it returns."""

    @abc.abstractmethod
    def delete(self, listing_ids: Sequence[int]) -> None: ...

    @abc.abstractmethod
    def clear(self) -> None: ...

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def listing_ids(self) -> set[int]:
        """Every listing id in the index (to find what it lacks or holds too many of)."""

    def search(self, query: SearchQuery) -> SearchResults:
        if query.text and not query.groups:
            # Only function words or punctuation: nothing can match, and "everything" would mislead.
            return SearchResults(listing_ids=[], total=0, facets={})
        return self._search(query)

    @abc.abstractmethod
    def _search(self, query: SearchQuery) -> SearchResults:
        """Run a query that has words to match, or none at all (then: browse by filters)."""

    def bulk_load(self, documents: Iterable[SearchDocument], *, batch: int = 5000,
                  progress: Progress | None = None) -> int:
        """Load many documents into an empty index; engines override this with faster paths."""
        done = 0
        chunk: list[SearchDocument] = []
        for document in documents:
            chunk.append(document)
            if len(chunk) >= batch:
                self.upsert(chunk)
                done += len(chunk)
                chunk = []
                if progress:
                    progress(done)
        if chunk:
            self.upsert(chunk)
            done += len(chunk)
            if progress:
                progress(done)
        return done

    def close(self) -> None:  # noqa: B027 - optional for engines with nothing to release
        """Release files or connections."""
