"""BM25F in memory: exact scores over term-major postings (numpy), two feature channels.

Each channel (words, character bigrams; see ``analysis``) keeps one posting list per
term with a precomputed weight per document,

    w(t, d) = idf(t) · tf'(t, d) · (k1 + 1) / (tf'(t, d) + k1)
    tf'(t, d) = Σ_field  weight_field · tf_field(t, d) / (1 − b + b · len_field(d) / avglen_field)

(BM25F: fields are normalised by their own length, then weighted and saturated once), so
a query costs one pass over the postings of its own terms: no candidate pruning, the
top k is exact. The final lexical score is ``words + gram_weight · grams``, where query
words that name one thing add their best weight in a document, not their sum (``word_groups``).

Two fields, the title (weight 2) and the body: the abstract followed by the claims, one
field normalised by its whole length. A catalogue mixes full records with title-and-abstract
records, and the ranking must be fair to the latter. With the claims as a field of their
own (normalised by the claims' average length), a document that has claims adds a second,
separately saturated term frequency that a title-and-abstract record can never earn, so
full records beat abstract-only ones for the same evidence. Measured (MRR@10, lexical;
the slices of bench/retrieval_sets.py; baseline = plain BM25 over the concatenated text):

    fields                                    dev     dev, no claims   abstract-only relevant
    title 2, abstract 1, claims 1 (before)    0.8949  0.7619           0.6622
    title 2, body = abstract + claims 1       0.8684  0.7619           0.7268
    best passage (title+abstract | claims)    0.8828  0.7664           0.5150
    tf' averaged over the fields present      0.8642  0.6714           0.6135
    absent claims imputed from the abstract   0.8817  0.7505           0.6943
    baseline                                  0.8353  0.7156           0.6653

The old model wins on dev only because dev's relevant documents nearly all have claims
while most of the other documents do not; it loses to the baseline where the relevant
document has an abstract only. Imputing the claims a record lacks (its abstract's normalised
frequency counted in their place) keeps half of dev's gain but still costs the abstract-only
slice 0.033: a full record's claims hold more of a query's words, which no share of the
abstract gives back. The body field is the only variant that loses nothing where the
relevant document has an abstract only, and it has one knob fewer.

Why not the search app's tantivy index: matching needs BM25F over several fields plus a
second channel, over any corpus in memory (the evaluation must not touch the live
index); measured, this is fast enough (see bench/matching_bench.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.analysis import gram_tokens, word_tokens
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.postings import (
    Alternatives,
    BM25Params,
    Channel,
    Postings,
    QueryTerm,
    TermChannel,
    accumulate,
)
from ipx.matching.retrieval.vectors import top_k
from ipx.search.normalise import CJK_RUN_RE

Scores = npt.NDArray[np.float32]
Tokenizer = Callable[[str], list[str]]
LEXICAL_FIELDS = ("title", "body")


def lexical_fields(doc: Document) -> dict[str, str]:
    """The two fields the lexical stage scores: the title, and the body (abstract then claims)."""
    body = "\n".join(part for part in (doc.abstract.strip(), doc.claims.strip()) if part)
    return {"title": doc.title, "body": body}


def word_groups(words: Sequence[str]) -> list[list[str]]:
    """The query's words, those that name one thing together: a Chinese word that no other
    query word contains, with the query words inside it and inside no other such word
    (锂电池 with 锂电 and 电池; 聚乙烯 with 乙烯 and 烯).

    The segmenter's search mode gives a compound and the words inside it (聚乙烯 → 乙烯,
    聚乙烯), and a searcher adds the parts of a term (折光率 折光); summed, a document
    that holds one concept in several of its forms outscores one that holds two concepts,
    and a long record (which holds more forms) outscores a short one. A group scores its
    best member in a document (Pirkola's synonym operator, by its maximum). A word inside
    two compounds stays a term of its own (材料 in 纳米材料 and 建筑材料): joining through
    it would make two things one, as it did in long demands (a group of 16 words, 纳米银
    to 建筑施工, through 材料). Latin words are left alone: a stem inside another (cell,
    cellulose) is no sign of one meaning. Measured (lexical MRR@10, bench/retrieval_quality.py):

        words summed (before)                     dev 0.8684  no claims 0.7619  abstract-only 0.7268
        each group's best member (this rule)      dev 0.8776  no claims 0.7726  abstract-only 0.7384
        groups joined through shared words        dev 0.8787  no claims 0.7773  abstract-only 0.7436
        the same, two characters or more          dev 0.8763  no claims 0.7762  abstract-only 0.7430
        a word left out where a longer one is     dev 0.8780  no claims 0.7763  abstract-only 0.7412
        a group's sum ÷ √its size                 dev 0.8743  no claims 0.7698  abstract-only 0.7362

    The character grams are not grouped: they are the channel that meets a word the
    segmenter cut otherwise (leaving out a character inside a matched bigram: dev 0.8770).
    """
    chinese = {word for word in words if CJK_RUN_RE.fullmatch(word)}
    # Each word's substrings looked up, not every pair compared: a long demand has
    # thousands of distinct words, each only a few characters long.
    holders: dict[str, list[str]] = {word: [] for word in chinese}
    for word in chinese:
        for start in range(len(word)):
            for end in range(start + 1, len(word) + 1 - (start == 0)):
                if word[start:end] in holders:
                    holders[word[start:end]].append(word)
    head: dict[str, str] = {}
    for word in chinese:
        outermost = {holder for holder in holders[word] if not holders[holder]}
        head[word] = outermost.pop() if len(outermost) == 1 else word
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(head.get(word, word), []).append(word)
    return list(groups.values())


@dataclass(frozen=True)
class QueryTerms:
    """A query's words and character grams. ``word_weights``: a word's weight in the score
    when not 1 (a translated query's words share their phrase's weight, ``crosslingual``)."""

    words: list[str]
    grams: list[str]
    word_weights: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, word_weight: Callable[[str], float] | None = None) -> QueryTerms:
        words = word_tokens(text)
        weights = {w: weight for w in set(words) if (weight := word_weight(w)) != 1.0} if word_weight else {}
        return cls(words, gram_tokens(text), weights)

    def emphasised(self, title: str, factor: float) -> QueryTerms:
        """The same terms, the words the query's ``title`` holds weighing ``factor`` times
        more: a demand's title states what is sought, its description the circumstances, as
        a document's title states its subject (the same weight, ``BM25Params.field_weights``)."""
        stated = set(word_tokens(title))
        weights = dict(self.word_weights)
        for word in stated.intersection(self.words):
            weights[word] = weights.get(word, 1.0) * factor
        return QueryTerms(self.words, self.grams, weights)


class LexicalIndex:
    """BM25F over words and character bigrams of the title and the body."""

    def __init__(self, words: TermChannel, grams: TermChannel, params: BM25Params, n_docs: int) -> None:
        self.words = words
        self.grams = grams
        self.params = params
        self.n_docs = n_docs

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        params: BM25Params | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> LexicalIndex:
        params = params or BM25Params()
        words: dict[str, list[list[str]]] = {name: [] for name in LEXICAL_FIELDS}
        grams: dict[str, list[list[str]]] = {name: [] for name in LEXICAL_FIELDS}
        for done, doc in enumerate(documents, 1):
            for name, text in lexical_fields(doc).items():
                words[name].append(word_tokens(text))
                grams[name].append(gram_tokens(text))
            if progress and (done % 1000 == 0 or done == len(documents)):
                progress(done)
        return cls.from_tokens(words, grams, len(documents), params)

    @classmethod
    def from_tokens(
        cls,
        words: Mapping[str, Sequence[list[str]]],
        grams: Mapping[str, Sequence[list[str]]],
        n_docs: int,
        params: BM25Params | None = None,
    ) -> LexicalIndex:
        """Builds from analysed fields (the benchmark recombines real token lists)."""
        params = params or BM25Params()
        return cls(Channel.build(words, n_docs, params), Channel.build(grams, n_docs, params), params, n_docs)

    def query_postings(self, query: QueryTerms | str) -> list[QueryTerm]:
        """The postings the query is scored with: its ``max_query_terms`` terms with the
        highest bounds (query reduction), the words that name one thing joined as
        ``Alternatives`` (``word_groups``). A demand's paragraph has hundreds of terms whose
        common ones (装, 置, 方法) cost the most and decide the least; keyword queries
        rarely reach the limit (measured: no change on kppatent, CSL or the IPC titles)."""
        terms = QueryTerms.of(query) if isinstance(query, str) else query
        found: list[tuple[str | None, Postings]] = [
            (word, posting) for word in dict.fromkeys(terms.words)
            for posting in self.words.postings([word], terms.word_weights.get(word, 1.0))
        ]
        if self.params.gram_weight:
            found += [(None, posting) for posting in self.grams.postings(terms.grams, self.params.gram_weight)]
        limit = self.params.max_query_terms
        if limit and len(found) > limit:
            found = sorted(found, key=lambda pair: pair[1].bound, reverse=True)[:limit]
        kept = {word: posting for word, posting in found if word is not None}
        joined: list[QueryTerm] = []
        for group in word_groups(list(dict.fromkeys(terms.words))):
            members = tuple(kept[word] for word in group if word in kept)
            if members:
                joined.append(members[0] if len(members) == 1 else Alternatives(members))
        return joined + [posting for word, posting in found if word is None]

    def scores(self, query: QueryTerms | str) -> npt.NDArray[np.float64]:
        """The BM25F score of every document (0 where nothing matches)."""
        return accumulate(self.query_postings(query), self.n_docs)

    def score_docs(
        self, query: QueryTerms | str | list[QueryTerm], docs: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.float64]:
        """The exact score of a few documents."""
        postings = query if isinstance(query, list) else self.query_postings(query)
        out = np.zeros(len(docs), dtype=np.float64)
        for term in postings:
            out += term.lookup(docs)
        return out

    def top(
        self, query: QueryTerms | str, k: int, mask: npt.NDArray[np.bool_] | None = None
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The k best documents with a score > 0 (best first) and their scores."""
        return self._top_of(accumulate(self.query_postings(query), self.n_docs), min(k, self.n_docs), mask)

    def _top_of(
        self, scores: npt.NDArray[np.float64], k: int, mask: npt.NDArray[np.bool_] | None
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        best = top_k(scores, k)
        best = best[scores[best] > 0]
        return best, scores[best]

    def matched_terms(self, query: QueryTerms, doc: int) -> list[str]:
        return self.matched_terms_many(query, np.asarray([doc], dtype=np.intp))[0]

    def matched_terms_many(self, query: QueryTerms, docs: npt.NDArray[np.intp]) -> list[list[str]]:
        """For each document: the query words found in it, then the character bigrams and
        characters not inside one of those (words the segmenter cut differently), for
        highlighting. One posting lookup per term for all the documents."""
        words = {w: self.words.contains_many(w, docs) for w in dict.fromkeys(query.words)}
        longest_first = sorted(dict.fromkeys(query.grams), key=len, reverse=True)
        grams = {g: self.grams.contains_many(g, docs) for g in longest_first}
        out: list[list[str]] = []
        for n in range(len(docs)):
            found = [w for w, hits in words.items() if hits[n]]
            for gram, hits in grams.items():
                if hits[n] and not any(gram in term for term in found):
                    found.append(gram)
            out.append(found)
        return out

    def coverage_many(self, query: QueryTerms, docs: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """For each document: the share of the query's idf mass (its distinct words and
        character grams) that the document contains, in [0, 1] — how much of what the
        query asks for is there, whatever the corpus or the query's length."""
        out = np.zeros(len(docs), dtype=np.float64)
        total = 0.0
        for channel, terms in ((self.words, query.words), (self.grams, query.grams)):
            for term in dict.fromkeys(terms):
                idf = channel.idf(term)
                total += idf
                out += idf * channel.contains_many(term, docs)
        return out / total if total else out

    @property
    def nbytes(self) -> int:
        return self.words.nbytes + self.grams.nbytes
