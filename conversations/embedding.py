"""A sentence-embedding model's forward pass in numpy: BERT encoder, mean pooling, unit length.

Pure maths over weights it is given (no files, no network): ``bot/embedder.py`` reads the
bundled all-MiniLM-L6-v2 weights and tokenizer and hands them here. The names of the
weights are the Hugging Face BERT names, as in the model's ``model.safetensors``.

An answer becomes 384 numbers such that answers meaning the same thing ("lonely", "no
company", "I never see anyone") point the same way, even when they share no word.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Encoder", "erf", "gelu", "read_safetensors"]

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Return the tensors in a safetensors file's bytes (a length, a JSON header, the data)."""
    if len(data) < 8:
        raise ValueError("not a safetensors file: too short")
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    body = memoryview(data)[8 + size :]
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        array = np.frombuffer(body[start:end], dtype=dtype).reshape(info["shape"])
        tensors[name] = array.astype(np.float32) if dtype == np.float16 else array
    return tensors


# Abramowitz and Stegun 7.1.26: erf to within 1.5e-7 (within 1e-6 in float32), in a few
# whole-array steps done in place. scipy's erf is ten times slower on these arrays, and was a
# quarter of all the encoder's time.
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(
    np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
)
_ROOT_HALF = np.float32(1.0 / np.sqrt(2.0))


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, as float32 (within 1e-6 of the exact value)."""
    a = np.abs(x, dtype=np.float32)
    np.minimum(a, np.float32(4.0), out=a)  # erf(4) is 1 in float32; and no tiny exp()s
    t = a * _ERF_P
    t += 1.0
    np.reciprocal(t, out=t)
    poly: np.ndarray = t * _ERF_A[0]
    for coefficient in _ERF_A[1:]:
        poly += coefficient
        poly *= t
    np.multiply(a, a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    np.subtract(np.float32(1.0), poly, out=poly)
    np.copysign(poly, x, out=poly)
    return poly


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's activation, x times the chance a standard normal falls below it (exact form,
    not the tanh shortcut)."""
    out = erf(x * _ROOT_HALF)
    out += 1.0
    out *= x
    out *= np.float32(0.5)
    return out


@dataclass(frozen=True)
class _Layer:
    """One encoder layer's weights, transposed for ``x @ w``."""

    qkv: np.ndarray  # (hidden, 3 * hidden): query, key and value side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


class Encoder:
    """A BERT sentence encoder: token ids in, one unit-length vector per text out."""

    def __init__(self, weights: Mapping[str, np.ndarray], *, heads: int, eps: float = 1e-12):
        def w(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        self.heads = heads
        self.eps = eps
        self.words = w("embeddings.word_embeddings.weight")
        self.positions = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers: list[_Layer] = []
        i = 0
        while f"encoder.layer.{i}.attention.self.query.weight" in weights:
            p = f"encoder.layer.{i}."
            a = p + "attention."
            self.layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(
                        np.concatenate(
                            [w(f"{a}self.{n}.weight") for n in ("query", "key", "value")]
                        ).T
                    ),
                    qkv_bias=np.concatenate(
                        [w(f"{a}self.{n}.bias") for n in ("query", "key", "value")]
                    ),
                    out=np.ascontiguousarray(w(f"{a}output.dense.weight").T),
                    out_bias=w(f"{a}output.dense.bias"),
                    norm1=(w(f"{a}output.LayerNorm.weight"), w(f"{a}output.LayerNorm.bias")),
                    up=np.ascontiguousarray(w(f"{p}intermediate.dense.weight").T),
                    up_bias=w(f"{p}intermediate.dense.bias"),
                    down=np.ascontiguousarray(w(f"{p}output.dense.weight").T),
                    down_bias=w(f"{p}output.dense.bias"),
                    norm2=(w(f"{p}output.LayerNorm.weight"), w(f"{p}output.LayerNorm.bias")),
                )
            )
            i += 1
        if not self.layers:
            raise ValueError("no encoder layers in these weights")

    @property
    def dims(self) -> int:
        """How many numbers a vector has."""
        return int(self.words.shape[1])

    def encode(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """Return one unit-length mean-pooled vector per list of token ids (with [CLS]/[SEP])."""
        if not batch:
            return np.zeros((0, self.dims), dtype=np.float32)
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        x = self.words[ids] + self.positions[:length] + self.token_type
        x = self._layer_norm(x, self.norm)
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        for layer in self.layers:
            x = self._layer(x, layer, blocked)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)

    def _layer(self, x: np.ndarray, layer: _Layer, blocked: np.ndarray) -> np.ndarray:
        """Self-attention then the feed-forward block, each with a residual and a norm.

        The dense steps see every token of the batch as one (tokens, hidden) matrix: one
        large multiplication is a third quicker than one per text."""
        n, t, h = x.shape
        d = h // self.heads
        flat = x.reshape(n * t, h)
        qkv = flat @ layer.qkv
        qkv += layer.qkv_bias
        q, k, v = (
            qkv.reshape(n, t, 3, self.heads, d)[:, :, j].transpose(0, 2, 1, 3) for j in range(3)
        )
        scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1.0 / np.sqrt(d)) + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        attended = (scores @ v).transpose(0, 2, 1, 3).reshape(n * t, h)
        mixed = attended @ layer.out
        mixed += layer.out_bias
        mixed += flat
        flat = self._layer_norm(mixed, layer.norm1)
        up = flat @ layer.up
        up += layer.up_bias
        down = gelu(up) @ layer.down
        down += layer.down_bias
        down += flat
        return self._layer_norm(down, layer.norm2).reshape(n, t, h)

    def _layer_norm(self, x: np.ndarray, norm: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Normalise each token's numbers to mean 0, variance 1, then scale and shift."""
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        out: np.ndarray = (x - mean) / np.sqrt(var + self.eps) * norm[0] + norm[1]
        return out.astype(np.float32, copy=False)
