#!/usr/bin/env python3
"""Narrow a tagger's feed-forward layers: keep the K most useful of each layer's neurons.

    prune_ffn.py --model models/ner-fast --data MIX.jsonl --keep 768 --out /tmp/pruned

The feed-forward block (384 -> 1536 -> 384 in MiniLM) holds two thirds of each layer's
multiply-adds. A neuron's use is measured on training text, not guessed from its weights:
importance = mean |GELU activation| over the pieces of --windows training windows times the
norm of the neuron's output weights (what it adds to the residual stream). The K most
important neurons of each layer are kept (in their original order) and the rest dropped from
`intermediate.dense` (rows) and `output.dense` (columns); everything else is copied. The result
must be fine-tuned again (`deid train --base OUT`), which recovers what the cut loses.

Reads `config.json`, `tokenizer.json` and `model.safetensors` (f16 or f32) from --model; writes
the same three files (f32 weights, `intermediate_size: K`) to --out. The forward pass here is
plain numpy BERT with deid's case feature, enough to measure activations.
Needs numpy, safetensors and tokenizers (PyPI).
"""
import argparse
import json
import shutil
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer


def case_class(word):
    """deid's casing classes (src/ner/case.rs): 0 lower, 1 Capitalised, 2 UPPER, 3 other."""
    letters = [c for c in word if c.isalpha()]
    if not letters or any(not c.isalpha() and c not in "'-" for c in word):
        return 3
    first, rest = letters[0], letters[1:]
    rest_lower = not any(c.isupper() for c in rest)
    rest_upper = not any(c.islower() for c in rest)
    if not first.isupper() and rest_lower:
        return 0
    if first.isupper() and rest_lower:
        return 1
    if first.isupper() and rest_upper:
        return 2
    return 3


def windows(tok, texts, size, limit):
    """(ids, case) of up to `limit` windows of `size` pieces with [CLS] and [SEP]."""
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    out = []
    for text in texts:
        enc = tok.encode(text, add_special_tokens=False)
        words = {}
        for w, (s, e) in zip(enc.word_ids, enc.offsets):
            lo, hi = words.get(w, (s, e))
            words[w] = (min(lo, s), max(hi, e))
        case = [case_class(text[slice(*words[w])]) for w in enc.word_ids]
        for start in range(0, len(enc.ids), size):
            ids = [cls] + enc.ids[start:start + size] + [sep]
            out.append((np.array(ids), np.array([3] + case[start:start + size] + [3])))
            if len(out) == limit:
                return out
    return out


def layer_norm(x, w, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _erf(x):
    # Abramowitz-Stegun 7.1.26, |error| < 1.5e-7: enough to rank neurons.
    s = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return s * y


def activations(w, cfg, ids, case):
    """Mean |GELU output| of every feed-forward neuron of every layer over one window."""
    p = lambda k: w[k]
    lin = lambda x, k: x @ p(k + ".weight").T + p(k + ".bias")
    n = len(ids)
    x = p("embeddings.word_embeddings.weight")[ids] + p("embeddings.position_embeddings.weight")[:n] \
        + p("embeddings.token_type_embeddings.weight")[0] + p("embeddings.case_embeddings.weight")[case]
    x = layer_norm(x, p("embeddings.LayerNorm.weight"), p("embeddings.LayerNorm.bias"))
    heads = cfg["num_attention_heads"]
    d = cfg["hidden_size"] // heads
    out = []
    for i in range(cfg["num_hidden_layers"]):
        pre = f"encoder.layer.{i}."
        q, k, v = (lin(x, pre + f"attention.self.{m}").reshape(n, heads, d).transpose(1, 0, 2) for m in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(1, 0, 2).reshape(n, heads * d)
        x = layer_norm(lin(a, pre + "attention.output.dense") + x, p(pre + "attention.output.LayerNorm.weight"), p(pre + "attention.output.LayerNorm.bias"))
        h = gelu(lin(x, pre + "intermediate.dense"))
        out.append(np.abs(h).mean(0))
        x = layer_norm(lin(h, pre + "output.dense") + x, p(pre + "output.LayerNorm.weight"), p(pre + "output.LayerNorm.bias"))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("--data", required=True, type=Path, help="training JSONL (labels.md format; only `text` is read)")
    ap.add_argument("--keep", required=True, type=int, help="neurons kept per layer")
    ap.add_argument("--windows", type=int, default=300, help="training windows measured")
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    cfg = json.loads((args.model / "config.json").read_text())
    w = {k: v.astype(np.float32) for k, v in load_file(str(args.model / "model.safetensors")).items()}
    if not 0 < args.keep <= cfg["intermediate_size"]:
        raise SystemExit(f"--keep must be in 1..{cfg['intermediate_size']}")
    tok = Tokenizer.from_file(str(args.model / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    texts = [json.loads(l)["text"] for l in args.data.read_text(encoding="utf-8").splitlines() if l.strip()]
    rng = np.random.default_rng(7)
    rng.shuffle(texts)
    wins = windows(tok, texts, cfg.get("window", 128), args.windows)

    total = [np.zeros(cfg["intermediate_size"]) for _ in range(cfg["num_hidden_layers"])]
    for ids, case in wins:
        for acc, a in zip(total, activations(w, cfg, ids, case)):
            acc += a
    for i, acc in enumerate(total):
        pre = f"encoder.layer.{i}."
        importance = acc / len(wins) * np.linalg.norm(w[pre + "output.dense.weight"], axis=0)
        keep = np.sort(np.argsort(-importance)[: args.keep])
        share = importance[keep].sum() / importance.sum()
        print(f"layer {i}: kept {args.keep} of {len(importance)} neurons, {share:.1%} of the importance")
        w[pre + "intermediate.dense.weight"] = w[pre + "intermediate.dense.weight"][keep]
        w[pre + "intermediate.dense.bias"] = w[pre + "intermediate.dense.bias"][keep]
        w[pre + "output.dense.weight"] = np.ascontiguousarray(w[pre + "output.dense.weight"][:, keep])

    args.out.mkdir(parents=True, exist_ok=True)
    save_file({k: np.ascontiguousarray(v) for k, v in w.items()}, str(args.out / "model.safetensors"))
    cfg["intermediate_size"] = args.keep
    (args.out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    shutil.copy(args.model / "tokenizer.json", args.out / "tokenizer.json")
    print(f"prune_ffn: {len(wins)} windows measured; model written to {args.out}")


if __name__ == "__main__":
    main()
