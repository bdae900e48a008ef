#!/usr/bin/env python3
"""Print the side-by-side table of one compare.sh run (figures only: no corpus text).

    table.py OUT_DIR

OUT_DIR/<corpus>/<tool>.timing.json (from presidio_run.py / deid_run.py) and
OUT_DIR/<corpus>/<tool>.report/report.json (from `deid eval --predictions`), for the tools
presidio, deid (deid's default engine), deid-onnx (the engine with the 3-layer tagger models/ner-fast
on ONNX Runtime, int8) and deid-rules (patterns and dictionaries only); a tool with no files is left out.
"""

import json
import sys
from pathlib import Path

TOOLS = [
    ("presidio", "Presidio (default recognizers, en_core_web_md)"),
    ("deid", "deid, default engine (with its transformer)"),
    ("deid-onnx", "deid, fast: 3-layer transformer (`models/ner-fast`) on ONNX Runtime int8"),
    ("deid-rules", "deid, patterns + dictionaries only"),
]


def fig(m):
    if m["value"] is None:
        return "n/a"
    return f"{m['value']:.3f} ({m['hits']}/{m['total']})"


def main():
    out = Path(sys.argv[1])
    corpora = sorted(p for p in out.iterdir() if p.is_dir() and (p / "presidio.timing.json").exists())
    rows = []
    identical = []
    for c in corpora:
        cps, cpu = {}, {}
        tools = [(t, n) for t, n in TOOLS if (c / f"{t}.timing.json").exists()]
        for tool, name in tools:
            timing = json.loads((c / f"{tool}.timing.json").read_text())
            report = json.loads((c / f"{tool}.report" / "report.json").read_text())
            corpus = report["corpora"][0]
            cps[tool] = timing["chars_per_second"]
            cpu[tool] = timing.get("chars_per_cpu_second")
            rows.append((c.name, name, corpus, timing, tool))
        pd, pr = (c / "deid.predictions.jsonl"), (c / "deid-rules.predictions.jsonl")
        if pd.read_bytes() == pr.read_bytes():
            identical.append(c.name)
        for r in rows[-len(tools):]:
            r[3]["ratio"] = cps[r[4]] / cps["presidio"]
            r[3]["cpu_ratio"] = cpu[r[4]] / cpu["presidio"] if cpu[r[4]] and cpu["presidio"] else None

    def times(x):
        return "—" if x is None else f"{x:,.0f}×" if x >= 10 else f"{x:.2f}×"

    def num(x):
        return "—" if x is None else f"{x:,.0f}"

    print("| corpus | tool | binary recall | binary precision | characters/s per core (wall) | × Presidio | characters per CPU-second | × Presidio |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    for corpus_name, name, corpus, timing, tool in rows:
        p = tool == "presidio"
        print(
            f"| {corpus_name} | {name} | {fig(corpus['recall']['binary'])} | {fig(corpus['precision']['binary'])} "
            f"| {timing['chars_per_second']:,.0f} | {'1' if p else times(timing['ratio'])} "
            f"| {num(timing.get('chars_per_cpu_second'))} | {'1' if p else times(timing['cpu_ratio'])} |"
        )
    print()
    for c in corpora:
        p = json.loads((c / "presidio.timing.json").read_text())
        d = json.loads((c / "deid.timing.json").read_text())
        r = json.loads((c / "deid-rules.timing.json").read_text())
        o = c / "deid-onnx.timing.json"
        o = json.loads(o.read_text()) if o.exists() else None
        print(
            f"- {c.name}: {p['documents']} documents, {p['characters']:,} characters. Presidio: median of "
            f"{p['passes']} pass(es) {p['median_seconds']:.2f} s (passes {', '.join(f'{t:.2f}' for t in p['pass_seconds'])}; "
            f"load {p['load_seconds']:.1f} s excluded). deid: corpus × {d['copies']}, median run {d['median_run_seconds']:.2f} s "
            f"− median start-up {d['median_startup_seconds']:.2f} s over {d['passes']} runs each; "
            + (
                f"ONNX Runtime: × {o['copies']}, {o['median_run_seconds']:.2f} s − {o['median_startup_seconds']:.2f} s; "
                if o
                else ""
            )
            + f"rules-only: × {r['copies']}, {r['median_run_seconds']:.2f} s − {r['median_startup_seconds']:.2f} s "
            f"over {r['passes']} runs each."
        )
        if p.get("unmapped_entities"):
            print(f"  Presidio entity types counted as ID: {', '.join(p['unmapped_entities'])}.")
    if identical:
        print()
        print(
            f"deid's default engine and the patterns-and-dictionaries-only configuration wrote identical predictions on "
            f"{', '.join(identical)}: this build's default engine has no model stage (or deid-rules.toml does not switch it off)."
        )


if __name__ == "__main__":
    main()
