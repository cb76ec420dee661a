#!/usr/bin/env python3
"""Related answers: how good (on the sample) and how costly (on generated sites), for one or more
qaportal binaries, so that two builds can be compared in one run.

    python3 bench/related.py precision BINARY [BINARY…]
    python3 bench/related.py speed BINARY [BINARY…] [--sizes 1000,10000] [--runs 3]

`precision` builds the sample site (a copy of qaportal.toml, content/ and data/ in a temporary
folder, so no cache is shared) with each binary and reads the related answers off the built
answer pages (`<section aria-labelledby="related-heading">`), then scores them against the judged
set tests/data/related-judged.tsv: precision (the share of listed related answers judged
related), how many are listed, how many judged answers list none, and the share of first-listed
that are related. tests/related.rs computes the same figures from the library, and fails below
its floor.

`speed` generates each site once (bench/gen_corpus.py), then runs `--runs` cold builds (no
output, no .qaportal caches) per binary, the binaries in turn within each round so that the
shared machine's load falls on both alike, and reports min/median/max of the index stage
(`build --timings`), the whole build's CPU time (user+sys) and wall time, and peak resident
memory (/usr/bin/time -v).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2026-11-22"


def judged():
    out = {}
    with open(os.path.join(ROOT, "tests", "data", "related-judged.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            answer, related, _why = line.rstrip("\n").split("\t")
            out[answer] = set(related.split())
    return out


def listed_related(public):
    """id -> the ids its page lists as related, in order."""
    out = {}
    for dirpath, _dirs, files in os.walk(public):
        if "index.html" not in files or os.path.relpath(dirpath, public).split(os.sep)[0] in ("a", "sessions", "hot"):
            continue
        html = open(os.path.join(dirpath, "index.html"), encoding="utf-8").read()
        own = re.search(r'href="[^"]*/a/(KB-\d+)/"', html)
        if not own or 'class="article-body' not in html and "相关问题" not in html and "/present/" not in html:
            continue
        section = re.search(r'<section aria-labelledby="related-heading">(.*?)</section>', html, re.S)
        ids = re.findall(r'data-id="(KB-\d+)"', section.group(1)) if section else []
        out.setdefault(own.group(1), ids)
    return out


def precision(binaries):
    truth = judged()
    for binary in binaries:
        work = tempfile.mkdtemp(prefix="qaportal-related-")
        try:
            for part in ("qaportal.toml", "content", "data", "synonyms.txt"):
                src = os.path.join(ROOT, part)
                if os.path.isdir(src):
                    shutil.copytree(src, os.path.join(work, part))
                elif os.path.exists(src):
                    shutil.copy(src, work)
            subprocess.run([binary, "build", "--quiet", "--as-of", AS_OF], cwd=work, check=True)
            listed = listed_related(os.path.join(work, "public"))
            missing = [a for a in truth if a not in listed]
            if missing:
                sys.exit(f"no page found for {missing}")
            total = good = firsts = first_good = empty = 0
            for answer, related in truth.items():
                ids = listed[answer]
                total += len(ids)
                good += sum(1 for i in ids if i in related)
                if ids:
                    firsts += 1
                    first_good += ids[0] in related
                else:
                    empty += 1
            print(f"{binary}")
            print(f"  judged answers {len(truth)}, related listed {total}, judged related {good}, "
                  f"precision {good / max(total, 1):.3f}")
            print(f"  first listed related {first_good}/{firsts} = {first_good / max(firsts, 1):.3f}, "
                  f"answers listing none {empty}")
            for answer in ("KB-0071", "KB-0019"):
                print(f"  {answer}: {' '.join(listed[answer]) or '(none)'}")
            unjudged = [f"{a}→{i}" for a, rel in truth.items() for i in listed[a] if i not in rel]
            print(f"  listed but judged unrelated: {' '.join(unjudged) or '(none)'}")
        finally:
            shutil.rmtree(work, ignore_errors=True)


def speed(binaries, sizes, runs):
    work = tempfile.mkdtemp(prefix="qaportal-related-speed-")
    trash = os.path.join(work, "trash")
    os.mkdir(trash)
    try:
        print(f"{'articles':>8}  binary  {'index ms (min/med/max)':>24}  {'cpu s (user+sys)':>20}  "
              f"{'wall s':>18}  {'peak MB':>16}")
        for size in sizes:
            site = os.path.join(work, f"site-{size}")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), str(size), site],
                           check=True, stdout=subprocess.DEVNULL)
            results = {b: {"index": [], "cpu": [], "wall": [], "peak": []} for b in binaries}
            for _ in range(runs):
                for binary in binaries:
                    for leftover in ("public", ".qaportal"):
                        path = os.path.join(site, leftover)
                        if os.path.exists(path):
                            # Moved aside, deleted at the end (see bench/build.py).
                            os.rename(path, os.path.join(trash, str(len(os.listdir(trash)))))
                    result = subprocess.run(
                        ["/usr/bin/time", "-v", binary, "build", "--timings", "--as-of", AS_OF],
                        cwd=site, capture_output=True, text=True)
                    if result.returncode != 0:
                        sys.exit(f"build failed:\n{result.stderr}")
                    err = result.stderr
                    r = results[binary]
                    r["index"].append(float(re.search(r"^\s*index\s+([\d.]+) ms", err, re.M).group(1)))
                    user = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1))
                    sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
                    r["cpu"].append(user + sys_)
                    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err).group(1)
                    secs = 0.0
                    for part in wall.split(":"):
                        secs = secs * 60 + float(part)
                    r["wall"].append(secs)
                    r["peak"].append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024)
            fmt = lambda xs, p: "/".join(f"{x:.{p}f}" for x in (min(xs), statistics.median(xs), max(xs)))
            for n, binary in enumerate(binaries):
                r = results[binary]
                print(f"{size:>8}  {n:>6}  {fmt(r['index'], 0):>24}  {fmt(r['cpu'], 2):>20}  "
                      f"{fmt(r['wall'], 2):>18}  {fmt(r['peak'], 0):>16}")
        for n, binary in enumerate(binaries):
            print(f"binary {n}: {binary}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["precision", "speed"])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    binaries = [os.path.abspath(b) for b in args.binaries]
    if args.what == "precision":
        precision(binaries)
    else:
        speed(binaries, [int(s) for s in args.sizes.split(",")], args.runs)


if __name__ == "__main__":
    main()
