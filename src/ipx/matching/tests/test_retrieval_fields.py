"""The IPC sections of an engine's documents (``retrieval.fields``), found once and carried
through changes: a field's documents are exactly those whose codes share a section with the
query's, removed and replaced documents left out."""

from __future__ import annotations

import numpy as np
import pytest

from ipx.matching.retrieval import crosslingual
from ipx.matching.retrieval.documents import Document
from ipx.matching.retrieval.engine import HybridEngine
from ipx.matching.retrieval.fields import Fields, section_bits
from ipx.matching.retrieval.incremental import apply_changes
from ipx.matching.retrieval.signals import Facts


def test_codes_give_their_sections_bits() -> None:
    assert section_bits(()) == 0
    assert section_bits(["A61K 36/00"]) == 0b1
    assert section_bits(["h01m10/052", "H02J", "C02F"]) == 0b10000100
    assert section_bits(["", "  ", "Z99"]) == 0  # no code, or no section of the IPC


def test_a_fields_documents_and_its_changes() -> None:
    position = {"a": 0, "b": 1, "c": 2}
    facts = {"a": Facts(ipc=("H01M",)), "b": Facts(ipc=("C02F", "H02J")), "c": Facts()}
    fields = Fields.of(position, facts, 4)  # position 3: a document since removed
    among = fields.among(["H01M 10/05"])
    assert among is not None and among.tolist() == [True, True, False, False]
    assert fields.among(["Z"]) is None and fields.among([]) is None
    grown = fields.changed(6, dead=[0], added={4: Facts(ipc=("H05K",)), 5: Facts()})
    changed = grown.among(["H"])
    assert changed is not None and changed.tolist() == [False, True, False, False, True, False]
    assert fields.bits.tolist() == [0b10000000, 0b10000100, 0, 0]  # the base is left as it was


def test_an_engine_with_changes_counts_its_fields_documents_as_they_are_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crosslingual, "MIN_FIELD_DOCUMENTS", 2)
    base = [Document(id=f"power{n}", title="一种电池", abstract="电池充电。") for n in range(3)]
    base.append(Document(id="bio", title="一种细胞培养方法", abstract="细胞增殖。"))
    facts = {**{f"power{n}": Facts(ipc=("H01M",)) for n in range(3)}, "bio": Facts(ipc=("C12N",))}
    engine = HybridEngine.build(base, facts=facts)
    in_power = engine._field_frequency(["H01M"])
    assert in_power is not None and in_power("电池") == 3 and in_power("细胞") == 0
    assert engine.fields is not None  # found once, and carried to the engine with changes
    changed = apply_changes(engine, [Document(id="bio", title="一种电池隔膜", abstract="电池隔膜。")],
                            removed=["power0"], facts={"bio": Facts(ipc=("H01M",))})
    assert changed.fields is not None and changed.fields is not engine.fields
    counted = changed._field_frequency(["H01M"])
    assert counted is not None and counted("电池") == 3 and counted("细胞") == 0  # power1, power2, bio
    rebuilt = HybridEngine.build([d for d in base if d.id not in ("power0", "bio")]
                                 + [Document(id="bio", title="一种电池隔膜", abstract="电池隔膜。")],
                                 facts={**facts, "bio": Facts(ipc=("H01M",))})
    from_scratch = rebuilt._field_frequency(["H01M"])
    assert from_scratch is not None and from_scratch("电池") == counted("电池")
    assert np.count_nonzero(changed.fields.bits) == 3
