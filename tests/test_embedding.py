"""The meaning model: brewbot's numpy forward pass gives the model's published numbers."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator

import numpy as np
import pytest

from bot import embedder
from conversations.embedding import Encoder, erf, gelu, read_safetensors

# sentence-transformers' README: all-MiniLM-L6-v2's cosine similarities of these three.
PUBLISHED = (
    ("The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."),
    np.array([[1.0, 0.6660, 0.1046], [0.6660, 1.0, 0.1411], [0.1046, 0.1411, 1.0]]),
)


def _safetensors(tensors: dict[str, np.ndarray]) -> bytes:
    """Write tensors the way the safetensors format lays them out."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    body = b""
    for name, array in tensors.items():
        data = np.ascontiguousarray(array).tobytes()
        kind = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16"}[array.dtype]
        header[name] = {
            "dtype": kind,
            "shape": list(array.shape),
            "data_offsets": [len(body), len(body) + len(data)],
        }
        body += data
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + body


def _tiny_bert(hidden: int = 8, layers: int = 2, vocab: int = 20) -> dict[str, np.ndarray]:
    """Random weights with BERT's names and shapes, small enough to build in a test."""
    rng = np.random.default_rng(7)

    def r(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    w = {
        "embeddings.word_embeddings.weight": r(vocab, hidden),
        "embeddings.position_embeddings.weight": r(16, hidden),
        "embeddings.token_type_embeddings.weight": r(2, hidden),
        "embeddings.LayerNorm.weight": 1 + r(hidden),
        "embeddings.LayerNorm.bias": r(hidden),
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            w[f"{p}attention.self.{name}.weight"] = r(hidden, hidden)
            w[f"{p}attention.self.{name}.bias"] = r(hidden)
        w[f"{p}attention.output.dense.weight"] = r(hidden, hidden)
        w[f"{p}attention.output.dense.bias"] = r(hidden)
        w[f"{p}attention.output.LayerNorm.weight"] = 1 + r(hidden)
        w[f"{p}attention.output.LayerNorm.bias"] = r(hidden)
        w[f"{p}intermediate.dense.weight"] = r(4 * hidden, hidden)
        w[f"{p}intermediate.dense.bias"] = r(4 * hidden)
        w[f"{p}output.dense.weight"] = r(hidden, 4 * hidden)
        w[f"{p}output.dense.bias"] = r(hidden)
        w[f"{p}output.LayerNorm.weight"] = 1 + r(hidden)
        w[f"{p}output.LayerNorm.bias"] = r(hidden)
    return w


def test_safetensors_bytes_are_read_back_exactly() -> None:
    weights = _tiny_bert()
    weights["half"] = np.arange(6, dtype=np.float16).reshape(2, 3)
    back = read_safetensors(_safetensors(weights))
    assert set(back) == set(weights)
    for name, array in weights.items():
        assert back[name].dtype == np.float32 and back[name].shape == array.shape
        np.testing.assert_array_equal(back[name], array.astype(np.float32))
    with pytest.raises(ValueError):
        read_safetensors(b"\x01")


def test_vectors_are_unit_length_and_padding_changes_nothing() -> None:
    encoder = Encoder(_tiny_bert(), heads=2)
    short, long = [1, 5, 6, 2], [1, 7, 8, 9, 10, 11, 3, 2]
    alone = encoder.encode([short])
    padded = encoder.encode([short, long])  # short is padded to long's length
    np.testing.assert_allclose(padded[0], alone[0], atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(padded, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(padded[0], padded[1])
    assert encoder.encode([]).shape == (0, 8)


def test_weights_without_layers_are_refused() -> None:
    weights = {k: v for k, v in _tiny_bert().items() if not k.startswith("encoder.")}
    with pytest.raises(ValueError, match="no encoder layers"):
        Encoder(weights, heads=2)


def test_the_bundled_model_gives_the_published_similarities() -> None:
    model = embedder.model()
    assert model is not None, embedder.MISSING
    sentences, published = PUBLISHED
    vectors = model.embed(sentences)
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(vectors @ vectors.T, published, atol=6e-4)


def test_order_is_kept_however_texts_are_batched() -> None:
    model = embedder.model()
    assert model is not None
    texts = ["lonely", "a much longer answer about waiting for a carer to come", "", "no one"]
    together = model.embed(texts)
    apart = np.vstack([model.embed([t]) for t in texts])
    np.testing.assert_allclose(together, apart, atol=1e-5)
    stored = embedder.from_bytes(embedder.to_bytes(together[1]))
    np.testing.assert_array_equal(stored, together[1])


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process where the model package is not installed (the name finds nothing)."""
    monkeypatch.setattr(embedder, "PACKAGE", "brewbot_no_such_model_package")
    monkeypatch.setattr(embedder, "_loaded", [])
    yield


def test_without_the_model_themes_fall_back_to_words_and_say_so_once(
    no_model: None, caplog: pytest.LogCaptureFixture
) -> None:
    texts = ["waiting for the carer", "the carer was late", "lonely at home", "home alone"] * 3
    people = [f"p{i}" for i in range(len(texts))]
    find = embedder.reader()
    first = find(texts, people, min_group=2)
    again = find(texts, people, min_group=2)
    assert embedder.model() is None
    assert not first.by_meaning and first == again
    assert first.themes  # words still make themes
    said = [r for r in caplog.records if "not installed" in r.getMessage()]
    assert len(said) == 1


def test_erf_and_gelu_match_the_exact_functions() -> None:
    """The encoder's own erf (ten times quicker than scipy's) keeps BERT's exact GELU."""
    from scipy.special import erf as exact_erf  # type: ignore[import-untyped]

    x = np.concatenate([np.linspace(-9, 9, 100_001), [0.0, -0.0, 1e-8, -1e-8, 40.0, -40.0]])
    x = x.astype(np.float32)
    wide = x.astype(np.float64)
    assert erf(x).dtype == np.float32
    assert np.abs(erf(x) - exact_erf(wide)).max() < 1e-6
    assert np.abs(gelu(x) - 0.5 * wide * (1 + exact_erf(wide / np.sqrt(2)))).max() < 1e-5
    assert erf(np.float32([0.5, -0.5])).tolist() == pytest.approx([0.5205, -0.5205], abs=1e-4)
