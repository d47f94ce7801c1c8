"""ONNX Runtime backend: the same all-MiniLM weights, without importing torch at query time.

Importing sentence-transformers costs seconds; a one-shot `rag ask` cannot afford it. The
first use exports the model to ONNX once (with torch, locally, from the same weights) into
a cache folder; later processes load only onnxruntime + tokenizers. Embeddings match the
sentence-transformers ones (cosine ≥ 0.999, tested).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from rag.embedders import register
from rag.embedders.base import Embedder
from rag.embedders.sentence_transformers import model_id, model_path
from rag.runtime import InFlight, session_options


def cache_root(settings) -> Path:
    return Path(settings.cache_dir or Path.home() / ".cache" / "news-rag" / "onnx")


def export_path(path: str, root: Path) -> Path:
    """The export's place in the per-user cache, keyed by the weights' content (not by where
    they are installed), so every checkout and virtualenv with the same model shares one."""
    return root / f"{model_id(path)}-{_fingerprint(Path(path))}" / "model.onnx"


def _fingerprint(path: Path) -> str:
    """Size plus the first and last MB of the weights: content-based, and ~1 ms at start-up
    (hashing all 90 MB would cost a cold start ~0.2 s)."""
    weights = next((path / n for n in ("model.safetensors", "pytorch_model.bin") if (path / n).exists()), None)
    digest = hashlib.sha1()
    if weights is None:
        digest.update(str(path.resolve()).encode())
    else:
        size = weights.stat().st_size
        with open(weights, "rb") as f:
            digest.update(f"{size}".encode() + f.read(1 << 20))
            f.seek(max(0, size - (1 << 20)))
            digest.update(f.read())
    return digest.hexdigest()[:10]


def export(path: str, target: Path) -> None:
    """Export the transformer to ONNX (torch needed here only). Atomic: tmp file + rename.
    Quiet: a first start shows no weight-loading bar or exporter warnings (nothing a user can act on)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _export(path, target)


def _export(path: str, target: Path) -> None:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(path).eval()

    class Encoder(torch.nn.Module):  # fixed positional signature for the exporter
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    dummy = tuple(torch.ones((1, 4), dtype=torch.long) for _ in names)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    torch.onnx.export(Encoder(model), dummy, str(tmp), input_names=names, output_names=["hidden"],
                      dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "hidden"]},
                      opset_version=17, dynamo=False)
    os.replace(tmp, target)


def _max_length(path: str) -> int:
    cfg = Path(path) / "sentence_bert_config.json"
    return json.loads(cfg.read_text()).get("max_seq_length", 256) if cfg.exists() else 256


BATCH = 4  # texts a run: 1/4/8 gave 360/366/332 sentences/s, two runs in flight on 2 cores (benchmarks/RESULTS.md)


class OnnxEmbedder(Embedder):
    """Mean-pooled MiniLM vectors from one ONNX Runtime session.

    ``embed_documents`` keeps ``threads`` one-thread runs in flight (rag.runtime). Texts go in
    length order, ``batch_size`` at a time, so a batch carries almost no padding."""

    def __init__(self, path: str, onnx_file: Path, batch_size: int = BATCH, threads: int = 0, variant: str = "fp32"):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.session = ort.InferenceSession(str(onnx_file), session_options(), providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(_max_length(path))
        self.tokenizer.enable_padding()
        self.batch_size = max(1, batch_size)
        self.runs = InFlight(threads, "embed")
        # The variant is part of the identity a store records: int8 and fp32 vectors differ slightly.
        self.model_id = model_id(path) + ("" if variant == "fp32" else f"#{variant}")
        self.dim = self.session.get_outputs()[0].shape[-1] or 384

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths together: less padding
        batches = [order[i:i + self.batch_size] for i in range(0, len(texts), self.batch_size)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)

        def run(idx) -> None:
            out[idx] = self._batch([texts[j] for j in idx])

        self.runs.each(run, batches)
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)  # mean pooling, as MiniLM
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def onnx_embedder(settings, create: bool = True) -> OnnxEmbedder | None:
    path = model_path(settings)
    target = export_path(path, cache_root(settings))
    if not target.exists():
        if not create:
            return None
        export(path, target)
    if settings.variant == "int8":
        target = _int8(target, create)
        if target is None:
            return None
    return OnnxEmbedder(path, target, settings.batch_size or BATCH, settings.threads, settings.variant)


def _int8(fp32: Path, create: bool) -> Path | None:
    """The export's int8 twin, made once: onnxruntime dynamic quantisation of the MatMul
    weights, per output channel (per-tensor scales measured cosine 0.96 to fp32, min 0.85;
    per-channel 0.992, min 0.97, at the same ~1.5× speed; embeddings stay fp32)."""
    target = fp32.with_name("model-int8.onnx")
    if not target.exists():
        if not create:
            return None
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        logging.disable(logging.WARNING)  # its "consider pre-processing" advice: nothing a user can act on
        try:
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"])
        finally:
            logging.disable(logging.NOTSET)
        os.replace(tmp, target)
    return target


@register("onnx")
def _factory(settings) -> Embedder:
    return onnx_embedder(settings)


@register("auto")
def _auto(settings) -> Embedder:
    """ONNX when it can be had (cached or exportable), else sentence-transformers."""
    try:
        return onnx_embedder(settings)
    except Exception:  # export needs torch+onnx; any failure falls back to the reference
        if settings.variant != "fp32":
            raise
        from rag.embedders.sentence_transformers import _factory as st

        return st(settings)
