"""Train the reader: one small cross-encoder with two heads, from the bundled MiniLM.

    python training/train_reader.py            # ~1 h on 2 CPU cores; writes rag/reader/model/ (as shipped)
    python training/train_reader.py --resume   # go on from the last checkpoint in build/reader/
    python training/train_reader.py --mix v2 --epochs 1 --per-channel --out build/reader/v2   # the v2 experiment

Data: every SQuAD training article (training/split.py), plus with ``--mix`` a seeded, capped
draw from each extra set of ../shared/data (training/sources.py; names the sets and caps: the
ablation switch), each set's pairs built within that set (its hard negatives are its own).

* answer head: [CLS] → logit that the candidate sentence answers the question
  (SQuAD 2.0 unanswerables and off-article sentences are its hard negatives);
* span head: per-token start/end logits over the candidate sentence's tokens, plus the
  "no answer" position [CLS] that every negative pair points at (the SQuAD 2.0 recipe); the
  best span's score minus the [CLS] score is a second answerability signal. The two are
  combined by a logistic fit on the calibration articles (training/validate_reader.py).

Only the articles in training/split.py's training part are read. Seeded; the result is
exported to ONNX, quantised to int8 (both measured on the calibration articles), and the
int8 file's sha256 goes into reader.json, which the runtime loader checks.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from rag.reader.encode import encode, load_tokenizer  # noqa: E402
from training import examples, split  # noqa: E402

OUT = ROOT / "rag" / "reader" / "model"
#: The v2 experiment's draw from each extra set (``--mix v2``; benchmarks/RESULTS.md "Reader v2"):
#: news-like sets (QAMR's Wikinews sentences, tweets by news outlets) and new Wikipedia articles
#: get the most; reviews and reddit posts are far from news. The shipped model is SQuAD alone.
MIX = "squadshifts-new_wiki=6000,qamr-wikinews=6000,qamr-wikipedia=2000,tweetqa=3000,squadshifts-reddit=1500,squadshifts-amazon=500,selqa=2249,nqg=3000"
CHECKPOINT_EVERY = 300  # steps (~10 min)
BUILD = ROOT / "build" / "reader"


class ReaderNet(nn.Module):
    def __init__(self, path: str, layers: int):
        super().__init__()
        from transformers import AutoModel

        self.bert = AutoModel.from_pretrained(path, add_pooling_layer=False)
        self.bert.encoder.layer = self.bert.encoder.layer[:layers]
        self.bert.config.num_hidden_layers = layers
        h = self.bert.config.hidden_size
        self.drop = nn.Dropout(0.1)
        self.answer = nn.Linear(2 * h, 1)  # [CLS] and the mean of all tokens (MiniLM was trained mean-pooled)
        self.span = nn.Linear(h, 2)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hs = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hs.dtype)
        mean = (hs * m).sum(1) / m.sum(1).clamp(min=1.0)
        logit = self.answer(self.drop(torch.cat([hs[:, 0], mean], -1))).squeeze(-1)
        se = self.span(self.drop(hs))
        return logit, se[..., 0], se[..., 1]


def token_targets(enc, row: int, span) -> tuple[int, int]:
    """Token positions of the answer's first and last character; -100 when none."""
    if span is None:
        return -100, -100
    first = enc.span_tokens[row][0]
    offs = enc.offsets[row]
    st = next((k for k, (a, b) in enumerate(offs) if b > span[0]), None)
    en = next((k for k in range(len(offs) - 1, -1, -1) if offs[k][0] < span[1]), None)
    if st is None or en is None or en < st:
        return -100, -100
    return first + st, first + en


def batches(data: list, size: int, rng: random.Random):
    """Similar lengths together (less padding), batches in random order."""
    order = list(range(len(data)))
    rng.shuffle(order)
    mega = size * 50
    out = []
    for i in range(0, len(order), mega):
        chunk = sorted(order[i:i + mega], key=lambda j: len(data[j].sentence) + len(data[j].context) // 3)
        out += [chunk[k:k + size] for k in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def tensors(tok, exs):
    """One batch of examples (one question each) → model inputs and targets."""
    rows = [encode(tok, e.question, [e.sentence], [e.context]) for e in exs]
    width = max(r.ids.shape[1] for r in rows)
    pad = lambda a: np.pad(a, ((0, 0), (0, width - a.shape[1])))
    ids = torch.tensor(np.concatenate([pad(r.ids) for r in rows]))
    types = torch.tensor(np.concatenate([pad(r.type_ids) for r in rows]))
    mask = torch.tensor(np.concatenate([pad(r.mask) for r in rows]))
    spans = torch.zeros_like(mask, dtype=torch.bool)
    tgt = []
    for i, (r, e) in enumerate(zip(rows, exs)):
        a, b = r.span_tokens[0]
        spans[i, a:b] = True
        spans[i, 0] = True  # [CLS]: "no answer in this sentence"
        tgt.append(token_targets(r, 0, e.span) if e.label > 0.5 else (0, 0))
    labels = torch.tensor([e.label for e in exs])
    return ids, mask, types, spans, labels, torch.tensor(tgt)


def loss_of(model, batch, span_weight: float):
    ids, mask, types, spans, labels, tgt = batch
    logit, st, en = model(ids, mask, types)
    loss = nn.functional.binary_cross_entropy_with_logits(logit, labels)
    if (tgt[:, 0] >= 0).any():
        st, en = st.masked_fill(~spans, -1e4), en.masked_fill(~spans, -1e4)
        ce = nn.CrossEntropyLoss(ignore_index=-100)
        loss = loss + span_weight * 0.5 * (ce(st, tgt[:, 0]) + ce(en, tgt[:, 1]))
    return loss


def train(args) -> ReaderNet:
    from rag.embedders import bundled_model_path

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    path = bundled_model_path()
    tok = load_tokenizer(Path(path) / "tokenizer.json")
    data = build_examples(path, args.seed, parse_mix(args.mix), args.build)
    if args.limit:
        data = data[:args.limit]
    log(f"{len(data)} pairs, {sum(e.label for e in data):.0f} positive")
    model = ReaderNet(path, args.layers)
    heads = [p for n, p in model.named_parameters() if not n.startswith("bert.")]
    body = [p for n, p in model.named_parameters() if n.startswith("bert.")]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": heads, "lr": args.lr * 10}], weight_decay=0.01)
    plan = [batches(data, args.batch, rng) for _ in range(math.ceil(args.epochs))]
    plan[-1] = plan[-1][:round(len(plan[-1]) * (args.epochs - len(plan) + 1))]  # "--epochs 1.5": half the last
    total = sum(len(p) for p in plan)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / max(1, 0.06 * total)) * max(0.0, (total - s) / total))
    step, t0, run, done = 0, time.time(), 0.0, 0
    ckpt = args.build / "checkpoint.pt"
    if args.resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"]); opt.load_state_dict(state["opt"]); sched.load_state_dict(state["sched"])
        done, run = state["step"], state["loss"]
        torch.set_rng_state(state["torch_rng"])
        log(f"resumed at step {done}/{total}")
    model.train()
    for epoch, plan_e in enumerate(plan):
        for idx in plan_e:
            if step < done:  # the plan is seeded: skip what the checkpoint already holds
                step += 1
                continue
            loss = loss_of(model, tensors(tok, [data[j] for j in idx]), args.span_weight)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(); sched.step(); opt.zero_grad()
            step += 1
            run = 0.98 * run + 0.02 * loss.item() if step > 1 else loss.item()
            if step % CHECKPOINT_EVERY == 0:
                args.build.mkdir(parents=True, exist_ok=True)
                torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                            "step": step, "loss": run, "torch_rng": torch.get_rng_state()}, ckpt)
            if step % 50 == 0:
                rate = (step - done) * args.batch / (time.time() - t0)
                log(f"epoch {epoch} step {step}/{total} loss {run:.3f} {rate:.1f} pairs/s eta {(total - step) * args.batch / rate / 60:.1f} min")
        args.build.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), args.build / f"epoch{epoch}.pt")
    model.eval()
    return model


def parse_mix(text: str) -> dict[str, int]:
    """``"qamr-wikinews=6000,tweetqa=3000"`` → caps per extra set ("" → none, "v2" → ``MIX``)."""
    text = MIX if text.strip() == "v2" else text
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, cap = part.partition("=")
        if name not in EXTRA:
            raise SystemExit(f"--mix: unknown set {name!r}; known: {', '.join(EXTRA)}")
        out[name] = int(cap)
    return out


def _extra_sets() -> dict:
    """``training.sources.SETS`` with QAMR split into its Wikinews and Wikipedia halves (read once)."""
    from functools import cache

    from training import sources

    qamr = cache(sources.qamr)
    half = lambda sub: lambda: [a for a in qamr() if a["source"] == sub]  # noqa: E731
    return {**{k: v for k, v in sources.SETS.items() if k != "qamr"},
            "qamr-wikinews": half("qamr-wikinews"), "qamr-wikipedia": half("qamr-wikipedia")}


EXTRA = _extra_sets()


def build_examples(path: str, seed: int, mix: dict[str, int], build: Path = BUILD):
    """The training pairs: SQuAD's, then each extra set's (built within the set), each cached in
    ``build`` (embedding the articles takes minutes)."""
    import pickle

    embed = None
    data = []
    for name, cap in {"squad": 0, **mix}.items():
        cache = build / f"examples-{name}-{cap}-{seed}.pkl"
        if not cache.exists():
            if embed is None:
                from sentence_transformers import SentenceTransformer

                st = SentenceTransformer(path, device="cpu")
                embed = lambda texts: st.encode(texts, batch_size=64, normalize_embeddings=True,  # noqa: E731
                                                convert_to_numpy=True)
            t = time.time()
            arts = split.training_articles() if name == "squad" else examples.sample(EXTRA[name](), cap, seed)
            built = examples.build(arts, embed, seed)
            log(f"{name}: {len(built)} pairs in {time.time() - t:.0f} s")
            build.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(built))
        data += pickle.loads(cache.read_bytes())
    if mix:  # SQuAD alone keeps the order it was always built in (the shipped model reproduces)
        random.Random(seed).shuffle(data)
    return data


def export(model: ReaderNet, fp32: Path, int8: Path, per_channel: bool = False) -> None:
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dummy = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    fp32.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, dummy, str(fp32), input_names=names, output_names=["answer", "start", "end"],
                      dynamic_axes={**{n: {0: "batch", 1: "seq"} for n in names}, "answer": {0: "batch"},
                                    "start": {0: "batch", 1: "seq"}, "end": {0: "batch", 1: "seq"}},
                      opset_version=17, dynamo=False)
    int8.parent.mkdir(parents=True, exist_ok=True)
    quantise(fp32, int8, per_channel)


def quantise(fp32: Path, int8: Path, per_channel: bool = False) -> None:
    """int8 weights. ``per_channel``: one scale per output channel; on the v2 experiment's
    calibration pairs its spans matched fp32's (EM 0.600 vs 0.599) where one scale per tensor
    lost 0.036 EM, at the same size and speed. Activations are quantised per run, and the
    runtime runs one pair per run, so a sentence's score does not depend on what else was
    retrieved either way."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=per_channel)


def sha256(path: Path) -> str:
    from rag.reader.model import _sha256

    return _sha256(path)


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mix", default="", help="extra question sets and how many questions to draw from each "
                    "(set=cap,…; v2: the v2 experiment's draw; empty, the default: SQuAD alone, as shipped)")
    ap.add_argument("--per-channel", action="store_true", help="int8 weights with a scale per output channel "
                    "(spans as good as fp32 on the calibration pairs; the shipped model has one scale per tensor)")
    ap.add_argument("--resume", action="store_true", help="go on from build/reader/checkpoint.pt")
    ap.add_argument("--epochs", type=float, default=2, help="passes over the pairs; a fraction trains part of the last")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--layers", type=int, default=4, help="transformer layers kept from MiniLM-L6")
    ap.add_argument("--span-weight", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N pairs only (smoke test)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--build", type=Path, default=BUILD, help="cached training pairs, checkpoints and the fp32 export (not shipped)")
    ap.add_argument("--requantise", action="store_true", help="no training: quantise the fp32 export in --build "
                    "again into --out and validate it (keeps reader.json's training record)")
    args = ap.parse_args(argv)
    if args.epochs <= 0:
        ap.error("--epochs must be above 0, e.g. --epochs 1.5")
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    if args.requantise:
        return requantise(args)
    t0 = time.time()
    model = train(args)
    fp32, int8 = args.build / "reader-fp32.onnx", args.out / "reader.onnx"
    export(model, fp32, int8, args.per_channel)
    from rag.embedders import bundled_model_path
    import shutil

    shutil.copy(Path(bundled_model_path()) / "tokenizer.json", args.out / "tokenizer.json")
    meta = {"layers": args.layers, "mix": parse_mix(args.mix), "per_channel": args.per_channel,
            "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "seed": args.seed,
            "base_model": "sentence-transformers/all-MiniLM-L6-v2", "held_out": list(split.HELD_OUT),
            "calibrate": list(split.CALIBRATE), "test": list(split.TEST),
            "sha256": sha256(int8), "tokenizer_sha256": sha256(args.out / "tokenizer.json"),
            "train_minutes": round((time.time() - t0) / 60, 1)}
    (args.out / "reader.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"trained and exported in {meta['train_minutes']} min: {int8} ({int8.stat().st_size / 1e6:.1f} MB)")
    validate(meta, fp32, int8, args.out)


def validate(meta: dict, fp32: Path, int8: Path, out: Path) -> None:
    """fp32 against int8 on the calibration articles, into reader.json."""
    from training import validate_reader

    meta["validation"] = validate_reader.main([str(fp32), str(int8)])
    meta["combine"] = meta["validation"][int8.name]["combine"]
    (out / "reader.json").write_text(json.dumps(meta, indent=2) + "\n")
    log("validated; next: python training/calibrate_reader.py")


def requantise(args) -> None:
    fp32, int8 = args.build / "reader-fp32.onnx", args.out / "reader.onnx"
    if not fp32.is_file():
        raise SystemExit(f"no fp32 export at {fp32}: train first (python training/train_reader.py)")
    quantise(fp32, int8, args.per_channel)
    meta = json.loads((args.out / "reader.json").read_text(encoding="utf-8"))
    meta["sha256"], meta["per_channel"] = sha256(int8), args.per_channel
    for key in ("threshold", "calibration", "blend"):  # fitted to the old file: calibrate again
        meta.pop(key, None)
    validate(meta, fp32, int8, args.out)


if __name__ == "__main__":
    main()
