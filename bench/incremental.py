#!/usr/bin/env python3
"""Warm rebuilds: the unchanged site, and after one answer changes.

    python3 bench/incremental.py SITE [--binary PATH] [--runs 3]

SITE is a generated corpus (bench/gen_corpus.py, or the one bench/hugo.py --keep leaves). One
cold build first when SITE has no output yet, then, `--runs` times each:

- a rebuild of the unchanged site;
- a rebuild after one answer's body gained a sentence (a different sentence each run, so each
  run is a real change; the file is restored at the end).

Prints wall time as min/median/max and, per rebuild, how many files of the output were written
(modified since the build started: the writer skips files whose content it already holds), in
all and under search/ (the client index), and the `--timings` of the last rebuild.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2026-11-22"


def build(binary, site):
    """(wall s, files written, of them under search/, --timings text)."""
    started = time.time_ns()
    # File times have the file system's granularity: start a little before.
    time.sleep(0.02)
    begin = time.monotonic()
    result = subprocess.run([binary, "build", "--quiet", "--timings", "--as-of", AS_OF], cwd=site,
                            capture_output=True, text=True)
    wall = time.monotonic() - begin
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout}\n{result.stderr}")
    written = search = 0
    public = os.path.join(site, "public")
    for dirpath, _, names in os.walk(public):
        for name in names:
            if os.lstat(os.path.join(dirpath, name)).st_mtime_ns >= started:
                written += 1
                if os.path.relpath(dirpath, public).split(os.sep)[0] == "search":
                    search += 1
    return wall, written, search, (result.stdout + result.stderr).strip()


def summary(values, digits):
    return "/".join(f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "qaportal"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    site = os.path.abspath(args.site)
    if not os.path.exists(os.path.join(site, "public")):
        build(args.binary, site)
    # Once more, so that both folders (the site and the previous one) hold this site.
    build(args.binary, site)

    article = sorted(p for p in glob.glob(os.path.join(site, "content", "*", "*.md"))
                     if not os.path.basename(p).startswith("_"))[0]
    with open(article, encoding="utf-8") as f:
        original = f.read()
    rows = {"unchanged": [], "one answer changed": []}
    last = ""
    try:
        for run in range(args.runs):
            rows["unchanged"].append(build(args.binary, site)[:3])
            with open(article, "w", encoding="utf-8") as f:
                f.write(original + f"\n补充说明第 {run + 1} 次：如仍无法办理，请联系营业部。\n")
            *row, last = build(args.binary, site)
            rows["one answer changed"].append(tuple(row))
    finally:
        with open(article, "w", encoding="utf-8") as f:
            f.write(original)
    print(f"site: {site}\nchanged answer: {os.path.relpath(article, site)}\n")
    print(f"{'rebuild':<20}  {'wall s':>17}  {'files written':>20}  {'of them search/':>20}")
    for name, runs in rows.items():
        walls, written, search = zip(*runs)
        print(f"{name:<20}  {summary(walls, 2):>17}  {summary(written, 0):>20}  {summary(search, 0):>20}")
    print(f"\n--timings of the last rebuild (one answer changed):\n{last}")


if __name__ == "__main__":
    main()
