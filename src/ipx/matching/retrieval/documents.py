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


def passages(doc: Document) -> list[str]:
    """Every text the dense model embeds for a document: the main passage, then the start
    of the claims when the main passage did not already use them, then the title alone
    when the main passage is more than the title. A document's dense score is its best
    passage's (MaxP, Dai & Callan 2019): claim 1 names the features a searcher asks for,
    which the abstract often leaves out; the title states the invention in a few words, as
    a keyword query does, which the abstract's sentences dilute. With the title's passage,
    hybrid MRR@10 (BENCHMARKS.md): dev 0.8855 → 0.8941, dev without claims 0.7839 → 0.8049,
    abstract-only 0.7450 → 0.7753, English 0.7409 → 0.7545; dense alone falls on dev
    (0.7471 → 0.7163) and rises where the relevant record has an abstract only (0.5612 →
    0.5839). Where that record has no title either, as 3,024 of kppatent's have, its rivals'
    extra passages cost it (hybrid 0.7272 → 0.7195): listings and demands always have one."""
    main = passage_text(doc)
    texts = [main]
    claims = doc.claims.strip()
    if claims and (doc.abstract.strip() or not main):
        texts.append(claims)
    title = doc.title.strip()
    if title and title != main:
        texts.append(title)
    return texts


def passage_text(doc: Document) -> str:
    """The text the dense model sees: the title and the abstract (the claims when there is
    no abstract). The model reads only the start (see ``embedding.PASSAGE_CHARS``), which
    is where a patent states its subject."""
    body = doc.abstract.strip() or doc.claims.strip()
    title = doc.title.strip()
    if title and body:
        return f"{title}。{body}"
    return title or body
