"""What the engine ranks: a document with up to three text fields."""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = ("title", "abstract", "claims")


@dataclass(frozen=True, slots=True)
class Document:
    """A patent, a listing or a demand as text. Empty fields are allowed (``""``)."""

    id: str
    title: str = ""
    abstract: str = ""
    claims: str = ""

    def field(self, name: str) -> str:
        return str(getattr(self, name))

    @property
    def is_empty(self) -> bool:
        return not (self.title.strip() or self.abstract.strip() or self.claims.strip())


def passage_text(doc: Document) -> str:
    """The text the dense model sees: the title and the abstract (the claims when there is
    no abstract). The model reads only the start (see ``embedding.PASSAGE_CHARS``), which
    is where a patent states its subject."""
    body = doc.abstract.strip() or doc.claims.strip()
    title = doc.title.strip()
    if title and body:
        return f"{title}。{body}"
    return title or body
