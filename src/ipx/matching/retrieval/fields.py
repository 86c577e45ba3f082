"""The IPC sections of an engine's documents, by position: which documents are of the field
a query names. The bridge chooses an English query's senses by how that field writes
(``crosslingual``), so a demand naming H01M reads "cell" as 电池.

One byte per position, a bit per section (A–H, the eight fields of the IPC): at a million
documents a field's documents are found in a millisecond, where reading every document's
codes again took a second or more. An engine with changes carries its base's bytes forward
(``changed``) instead of reading every document's codes again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.signals import Facts, ipc_sections

SECTIONS = "ABCDEFGH"


def section_bits(codes: Iterable[str]) -> int:
    """One bit per IPC section of ``codes`` (0: none, or none of the eight)."""
    bits = 0
    for section in ipc_sections(codes):
        number = SECTIONS.find(section)
        if number >= 0:
            bits |= 1 << number
    return bits


class Fields:
    """The sections of each document position; 0 for one without codes, removed or replaced."""

    def __init__(self, bits: npt.NDArray[np.uint8]) -> None:
        self.bits = bits

    @classmethod
    def of(cls, position: Mapping[str, int], facts: Mapping[str, Facts], size: int) -> Fields:
        bits = np.zeros(size, dtype=np.uint8)
        for doc_id, found in facts.items():
            at = position.get(doc_id)
            if at is not None and found.ipc:
                bits[at] = section_bits(found.ipc)
        return cls(bits)

    def changed(self, size: int, dead: Collection[int], added: Mapping[int, Facts]) -> Fields:
        """These fields grown to ``size`` positions, ``dead`` ones cleared, ``added`` ones set."""
        bits = np.zeros(size, dtype=np.uint8)
        bits[: len(self.bits)] = self.bits
        bits[list(dead)] = 0
        for at, found in added.items():
            bits[at] = section_bits(found.ipc)
        return Fields(bits)

    def among(self, codes: Iterable[str]) -> npt.NDArray[np.bool_] | None:
        """The positions of documents sharing a section with ``codes``; None for no section."""
        wanted = section_bits(codes)
        if not wanted:
            return None
        return np.asarray((self.bits & np.uint8(wanted)) != 0)
