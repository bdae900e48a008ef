#!/usr/bin/env python3
"""Run `deid detect --threads 1` over a labeled corpus and time it like presidio_run.py does.

    deid_run.py --deid target/release/deid --corpus GOLD.jsonl --predictions PRED.jsonl \
                [--passes 3] [--timing T.json] [-- EXTRA DEID ARGS, e.g. --config rules.toml]

Standard library only. The predictions are the output of one plain run over the corpus.

Timing, load excluded. deid is a separate process whose start-up (building the engine: regexes,
dictionaries and, when there is one, the model) is paid once per process, so it is measured and
subtracted rather than hidden:

1. T1 = wall time of `deid detect` over a one-record file (the corpus's first record): start-up
   plus one short record.
2. TR = wall time over the corpus repeated R times (ids unchanged; used only for timing), with R
   chosen by calibration runs so that processing takes about --target-seconds (default 2 s):
   long enough that a difference of two wall times is not noise, R = 1 when one copy already is.
3. Runs of the two alternate, --passes times each (default 5: they are cheap), so that drift in
   the machine's load hits both alike;
   processing time = median(TR) - median(T1), for R x characters(corpus) - characters(record 1)
   characters. Characters are Unicode code points of the `text` fields, as for Presidio.

CPU time (user + system, from getrusage of the child) is recorded the same way: on a machine
shared with other work, characters per CPU-second shows what the wall clock's share hides.

So deid's figure includes what Presidio's excludes: reading and parsing JSONL, and writing the
predictions. That favours Presidio, not deid.
"""

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


CPU = []  # CPU seconds (user + system) of each run, in the order of the runs


def run(cmd, out_path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd + ["--output", str(out_path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"deid_run: {' '.join(cmd)} failed with exit code {proc.returncode}")
    CPU.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return elapsed


def timed(cmd, out_path):
    """(wall seconds, CPU seconds) of one run."""
    wall = run(cmd, out_path)
    return wall, CPU[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deid", required=True)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--predictions", required=True, type=Path)
    ap.add_argument("--passes", type=int, default=int(os.environ.get("PEERS_DEID_PASSES", "5")))
    ap.add_argument("--target-seconds", type=float, default=float(os.environ.get("PEERS_DEID_SECONDS", "2")))
    ap.add_argument("--max-copies", type=int, default=1000)
    ap.add_argument("--max-characters", type=int, default=50_000_000, help="cap on R x characters")
    ap.add_argument("--timing", type=Path)
    ap.add_argument("--name", default="deid", help="name of this configuration in the output")
    ap.add_argument("extra", nargs="*", help="arguments after -- go to `deid detect`")
    args = ap.parse_args()

    lines = [l for l in args.corpus.read_text(encoding="utf-8").splitlines() if l.strip()]
    texts = [json.loads(l)["text"] for l in lines]
    chars = sum(len(t) for t in texts)
    base = [args.deid, "detect", "--threads", "1", "--no-progress", *args.extra, "--input"]

    with tempfile.TemporaryDirectory(prefix="deid-peers-") as tmp:
        tmp = Path(tmp)
        sink = tmp / "out.jsonl"
        first = run(base + [str(args.corpus)], args.predictions)

        one = tmp / "one.jsonl"
        one.write_text(lines[0] + "\n", encoding="utf-8")
        t_one = [run(base + [str(one)], sink)]
        many = tmp / "many.jsonl"

        def write_copies(n):
            with many.open("w", encoding="utf-8") as f:
                for _ in range(n):
                    f.write("\n".join(lines) + "\n")

        # Calibrate R: a one-corpus run minus start-up is a noisy estimate when start-up dominates,
        # so grow R until one run's processing reaches half the target (at most three tries).
        copies, elapsed = 1, first
        max_copies = max(1, min(args.max_copies, args.max_characters // max(chars, 1)))
        for _ in range(3):
            estimate = max(elapsed - t_one[0], 0.02) / copies
            wanted = max(1, min(max_copies, math.ceil(args.target_seconds / estimate)))
            if wanted <= copies:
                break
            copies = wanted
            write_copies(copies)
            elapsed = run(base + [str(many)], sink)
            if elapsed - t_one[0] >= 0.75 * args.target_seconds or copies == max_copies:
                break
        if copies == 1:
            write_copies(1)

        # The timed runs: alternate, so that drift in the machine's load hits both alike.
        t_one, c_one, t_many, c_many = [], [], [], []
        for _ in range(max(1, args.passes)):
            w, c = timed(base + [str(many)], sink)
            t_many.append(w), c_many.append(c)
            w, c = timed(base + [str(one)], sink)
            t_one.append(w), c_one.append(c)

    med_one = statistics.median(t_one)
    med_many = statistics.median(t_many)
    cpu_seconds = statistics.median(c_many) - statistics.median(c_one)
    processed = copies * chars - len(texts[0])
    seconds = med_many - med_one
    if seconds <= 0:
        raise SystemExit("deid_run: processing time not above start-up time; raise --target-seconds")
    timing = {
        "tool": args.name,
        "args": args.extra,
        "documents": len(texts),
        "characters": chars,
        "copies": copies,
        "passes": len(t_many),
        "startup_seconds": [round(t, 4) for t in t_one],
        "run_seconds": [round(t, 4) for t in t_many],
        "median_startup_seconds": round(med_one, 4),
        "median_run_seconds": round(med_many, 4),
        "processing_seconds": round(seconds, 4),
        "chars_per_second": round(processed / seconds, 1),
        "startup_cpu_seconds": [round(t, 4) for t in c_one],
        "run_cpu_seconds": [round(t, 4) for t in c_many],
        "processing_cpu_seconds": round(cpu_seconds, 4),
        "chars_per_cpu_second": round(processed / cpu_seconds, 1) if cpu_seconds > 0 else None,
    }
    if args.timing:
        args.timing.write_text(json.dumps(timing, indent=2) + "\n")
    print(
        f"{args.name}: {len(texts)} documents x {copies}, {processed} characters, median run {med_many:.3f} s "
        f"- median start-up {med_one:.3f} s = {seconds:.3f} s -> {processed / seconds:,.0f} characters/s "
        f"(CPU time {cpu_seconds:.3f} s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
