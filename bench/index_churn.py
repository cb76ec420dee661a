#!/usr/bin/env python3
"""How much of the client index one edited answer really changes, against how much moves.

    python3 bench/index_churn.py SITE [--binary PATH] [--runs 3]

SITE is a generated corpus (bench/gen_corpus.py). Builds it, then `--runs` times: appends a
sentence to one answer, builds again and compares `public/search/` before and after. The index
lives under `search/<digest>/`, a digest of the whole index, so every edit moves every path
(what browsers and CDNs cache under); this prints, per edit, how many files there are, how many
of them have other bytes at the same path inside the digest folder (what a layout with fixed
or per-group paths would have to replace), and their bytes. The answer is restored at the end.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2026-11-22"


def build(binary, site):
    result = subprocess.run([binary, "build", "--quiet", "--as-of", AS_OF], cwd=site,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout}\n{result.stderr}")


def index_files(search):
    """{path relative to the digest folder (or to search/ for the fixed files): bytes}, digest."""
    digests = [d for d in os.listdir(search) if os.path.isdir(os.path.join(search, d))]
    if len(digests) != 1:
        sys.exit(f"expected one digest folder in {search}, found {digests}")
    files = {}
    for dirpath, _, names in os.walk(search):
        for name in names:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, search)
            if rel.startswith(digests[0] + os.sep):
                rel = rel[len(digests[0]) + 1:]
            with open(path, "rb") as f:
                files[rel] = f.read()
    return files, digests[0]


def summary(values):
    return "/".join(f"{v:.0f}" for v in (min(values), statistics.median(values), max(values)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "qaportal"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    site = os.path.abspath(args.site)
    search = os.path.join(site, "public", "search")
    article = sorted(p for p in glob.glob(os.path.join(site, "content", "*", "*.md"))
                     if not os.path.basename(p).startswith("_"))[0]
    with open(article, encoding="utf-8") as f:
        original = f.read()
    rows = []
    try:
        build(args.binary, site)
        before, digest = index_files(search)
        for run in range(args.runs):
            with open(article, "w", encoding="utf-8") as f:
                f.write(original + f"\n补充说明第 {run + 1} 次：如仍无法办理，请联系营业部。\n")
            build(args.binary, site)
            after, new_digest = index_files(search)
            changed = [p for p, b in after.items() if before.get(p) != b]
            shards = [p for p in changed if p.startswith("t" + os.sep)]
            meta = [p for p in changed if p.startswith("m" + os.sep)]
            moved = sum(1 for p in after if p.startswith(("t" + os.sep, "m" + os.sep)))
            rows.append((len(after), moved if new_digest != digest else 0, len(changed),
                         len(shards), len(meta), sum(len(after[p]) for p in changed)))
            before, digest = after, new_digest
    finally:
        with open(article, "w", encoding="utf-8") as f:
            f.write(original)
    print(f"site: {site}\nchanged answer: {os.path.relpath(article, site)}\n")
    for row in rows:
        print("per edit (files, paths moved, bytes differ, t/, m/, bytes):", row)
    names = ["files", "paths moved", "bytes differ", "of them t/", "of them m/", "bytes of those"]
    for name, values in zip(names, zip(*rows)):
        print(f"{name:<16} {summary(values):>20}  (min/median/max)")


if __name__ == "__main__":
    main()
