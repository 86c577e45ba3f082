"""Page numbers for lists shown on pages and returned by the API."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def parse(cls, page: object, size: object = DEFAULT_PAGE_SIZE) -> PageRequest:
        """Lenient for pages (a bad page number shows page 1), bounded for sizes."""
        try:
            page_number = max(1, int(str(page)))
        except (TypeError, ValueError):
            page_number = 1
        try:
            page_size = min(MAX_PAGE_SIZE, max(1, int(str(size))))
        except (TypeError, ValueError):
            page_size = DEFAULT_PAGE_SIZE
        return cls(page=min(page_number, 10_000), size=page_size)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))
