#!/usr/bin/env python3
"""An independent implementation of labels.md's scoring, to cross-check `deid eval`.

    python3 evaluation/crosscheck.py make GOLD.jsonl PRED.jsonl [--seed N]   # perturbed predictions
    python3 evaluation/crosscheck.py check GOLD.jsonl PRED.jsonl REPORT.json  # compare headline figures

`make` writes predictions derived from the gold spans with every kind of error
(exact, shrunk, widened, split in two, dropped, relabelled, false positives on
random words), so that every rule is exercised. `check` recomputes the
headline figures from scratch and compares them to `report.json` to 3 decimals.
Written separately from the Rust code, from labels.md alone.
"""
import json, random, re, sys

LABELS = "NAME LOCATION DATE AGE PHONE FAX EMAIL SSN MRN HEALTH_PLAN ACCOUNT LICENSE VEHICLE DEVICE URL IP BIOMETRIC PHOTO ID".split()
WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
         "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def age(span):
    if span.get("value") is not None:
        return int(span["value"])
    if (span.get("subtype") or "").isdigit():
        return int(span["subtype"])
    m = re.search(r"\d+", span["text"])
    if m:
        return int(m.group())
    words = re.split(r"[\s-]+", span["text"].lower().strip())
    if words and all(w in WORDS for w in words):
        return sum(WORDS[w] for w in words)
    return None


def required(span):
    lab, sub = span["label"], span.get("subtype")
    if lab == "LOCATION" and sub in ("STATE", "COUNTRY"):
        return False
    if lab == "DATE" and sub in ("YEAR", "RELATIVE"):
        return False
    if lab == "AGE":
        a = age(span)
        return a is None or a > 89
    return True


def sig(text, s, e):
    idx = [i for i in range(s, e) if text[i].isalnum()]
    return idx or [i for i in range(s, e) if not text[i].isspace()] or list(range(s, e))


def toks(text, s, e):
    return [(m.start() + s, m.end() + s) for m in re.finditer(r"[^\W_]+", text[s:e])]


def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def make(gold_path, pred_path, seed):
    rnd = random.Random(seed)
    with open(pred_path, "w", encoding="utf-8") as out:
        for d in load(gold_path):
            text, spans = d["text"], []
            for g in d["spans"]:
                s, e, lab = g["start"], g["end"], g["label"]
                r = rnd.random()
                if r < 0.45:
                    spans.append((s, e, lab))
                elif r < 0.55 and e - s > 1:
                    spans.append((s + 1, e, lab))
                elif r < 0.62:
                    spans.append((max(0, s - 3), min(len(text), e + 2), lab))
                elif r < 0.70 and e - s > 2:
                    m = (s + e) // 2
                    spans += [(s, m, lab), (m, e, "ID")]
                elif r < 0.80:
                    spans.append((s, e, rnd.choice(LABELS)))
                # else: dropped
            for m in re.finditer(r"\w+", text):
                if rnd.random() < 0.03:
                    spans.append((m.start(), m.end(), rnd.choice(LABELS)))
            spans = sorted(set(spans))
            disjoint = []
            for sp in spans:
                if not disjoint or sp[0] >= disjoint[-1][1]:
                    disjoint.append(sp)
            out.write(json.dumps({"id": d["id"], "spans": [
                {"start": s, "end": e, "label": l, "score": 1.0, "source": rnd.choice(["pattern", "dictionary"])}
                for s, e, l in disjoint]}) + "\n")


def score(gold_path, pred_path):
    preds = {p["id"]: p["spans"] for p in load(pred_path)}
    c = dict.fromkeys(["rs", "rb", "rst", "rt", "rth", "ps", "pb", "pst", "pt", "pth", "docs", "leakfree"], 0)
    for d in load(gold_path):
        text, P = d["text"], preds[d["id"]]
        pm, gm = [False] * len(text), [False] * len(text)
        for p in P:
            for i in range(p["start"], p["end"]):
                pm[i] = True
        for g in d["spans"]:
            for i in range(g["start"], g["end"]):
                gm[i] = True
        pkeys = {(p["start"], p["end"], p["label"]) for p in P}
        gkeys = {(g["start"], g["end"], g["label"]) for g in d["spans"]}
        leaks = 0
        for g in d["spans"]:
            if not required(g):
                continue
            c["rs"] += 1
            found = all(pm[i] for i in sig(text, g["start"], g["end"]))
            c["rb"] += found
            leaks += not found
            c["rst"] += (g["start"], g["end"], g["label"]) in pkeys
            for s, e in toks(text, g["start"], g["end"]):
                c["rt"] += 1
                c["rth"] += all(pm[s:e])
        for p in P:
            c["ps"] += 1
            c["pb"] += all(gm[i] for i in sig(text, p["start"], p["end"]))
            c["pst"] += (p["start"], p["end"], p["label"]) in gkeys
            for s, e in toks(text, p["start"], p["end"]):
                c["pt"] += 1
                c["pth"] += all(gm[s:e])
        c["docs"] += 1
        c["leakfree"] += leaks == 0
    f = lambda a, b: a / b if b else None
    return {
        "recall.binary": f(c["rb"], c["rs"]), "recall.strict": f(c["rst"], c["rs"]), "recall.token": f(c["rth"], c["rt"]),
        "precision.binary": f(c["pb"], c["ps"]), "precision.strict": f(c["pst"], c["ps"]),
        "precision.token": f(c["pth"], c["pt"]), "leak_free_documents": f(c["leakfree"], c["docs"]),
    }


def check(gold_path, pred_path, report_path):
    mine = score(gold_path, pred_path)
    report = json.load(open(report_path))
    corpus = next(c for c in report["corpora"] if c["predictions"] == pred_path or c["path"] == gold_path)
    ok = True
    for k, v in mine.items():
        node = corpus
        for part in k.split("."):
            node = node[part]
        theirs = node["value"]
        same = (v is None and theirs is None) or (v is not None and theirs is not None and round(v, 3) == round(theirs, 3))
        ok &= same
        print(f"{'ok ' if same else 'BAD'} {k}: independent {v} deid {theirs}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
        make(sys.argv[2], sys.argv[3], seed)
    elif cmd == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
