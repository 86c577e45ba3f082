"""Score bands: the best matches of one common word without ranking every match.

RUM ranks by handing matches over nearest first, but it computes the distance of every match
and sorts them all before the first comes out: a word in 400,000 of a million listings costs
some 250 ms whatever the page (BENCHMARKS.md → "PostgreSQL full-text"). Search sites answer
this with impact-ordered lists: the documents where a word weighs most, kept apart, read first.

For a one-word query RUM's score of a listing depends on that word's positions in it alone
(RUM's cover density, ``rum_ts_utils.c``: every occurrence is a cover of its own, the n-th one
adds its weight / n², the sum is divided by ζ(2)), so it can be computed when the listing is
indexed. Each word whose score reaches a band's floor gets a second lexeme, ``word#band``, with
the same positions and so the same distance. A search for the word first ranks only the
listings in the highest bands; if they fill the page, no listing outside them can rank higher
(each scores below every floor they reach), so the page is the one ranking every match gives.
If they do not, the next band joins, and in the end all matches are ranked as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

# RUM's weight per class (its table holds their inverses): title words A, the rest B.
WEIGHTS = {"A": 1.0, "B": 0.4}
_ZETA_2 = 1.64493406685  # the divisor RUM applies to every cover's score

# The bands' lower bounds. A word only in the body scores below 0.4 (five times: 0.356, eight
# times: 0.372), once in the title at least 0.61, so the floors follow the occurrences; at a
# million listings the highest band a common word reaches holds a few hundred to a few
# thousand of them. Fewer than five times in the body is no band: a word with so many matches
# that ranking them costs much is in the higher bands of enough listings, and each band
# lexeme makes the index larger. A listing with a score just under a floor is placed in that
# band (``_MARGIN``), so that rounding in PostgreSQL's arithmetic never puts a listing below
# one that this module placed above it.
FLOORS = (0.355, 0.362, 0.37, 0.38, 0.60, 0.66, 0.70, 0.75, 0.80, 0.85)
_MARGIN = 1e-4
_MARK = "#"  # never in a token: tokens are runs of word characters (ipx.search.normalise)


def word_score(weights: Sequence[float]) -> float:
    """RUM's score of a one-word query, from the word's weights in the order of its positions."""
    return sum(weight / (n * n) for n, weight in enumerate(weights, 1)) / _ZETA_2


def band_of(score: float) -> int:
    """1 for the lowest band ... len(FLOORS) for the highest; 0 below them all."""
    band = 0
    for number, floor in enumerate(FLOORS, 1):
        if score >= floor - _MARGIN:
            band = number
    return band


def band_word(token: str, band: int) -> str:
    return f"{token}{_MARK}{band}"


def bands_from(lowest: int, token: str) -> list[str]:
    """The lexemes of ``token``'s bands ``lowest`` and above."""
    return [band_word(token, band) for band in range(lowest, len(FLOORS) + 1)]


def descending() -> Iterator[int]:
    """The lowest band of each try: the highest band alone first, then one more each time."""
    return iter(range(len(FLOORS), 0, -1))
