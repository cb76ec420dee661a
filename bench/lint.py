#!/usr/bin/env python3
"""Time of the lint stage (customer data in every published string) of `qaportal build`.

    python3 bench/lint.py [--runs 5] [--size 10000] BINARY [BINARY...]

Generates the corpus once (bench/gen_corpus.py), then builds it `--runs` times with each binary,
taking turns (so that a noisy neighbour on the shared machine hits all of them alike), each over
its previous output (a republish, as every week; deleting 50,000 files between runs would cost
more than the build), and reports min/median/max of the `lint` stage and of the whole build from
`build --timings`. Pass two binaries (e.g. main's and a branch's) to compare them in one run.
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


def build(binary, site, out):
    result = subprocess.run(
        [binary, "build", "--timings", "--as-of", "2026-11-22", "--out", out],
        cwd=site, capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(f"{binary} failed:\n{result.stderr[-2000:]}")
    log = result.stdout + result.stderr
    lint = float(re.search(r"^\s*lint\s+([\d.]+) ms", log, re.M).group(1))
    total = float(re.search(r"in ([\d.]+) s", log).group(1))
    return lint, total


def spread(values, unit):
    return f"{min(values):.0f} / {statistics.median(values):.0f} / {max(values):.0f} {unit}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="qaportal-lint-bench-")
    try:
        site = os.path.join(work, "site")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"),
                        str(args.size), site], check=True, capture_output=True)
        binaries = [os.path.abspath(b) for b in args.binaries]
        # One build each first: the caches beside the site (.qaportal/) are then warm for all.
        outs = {b: os.path.join(work, f"out{i}") for i, b in enumerate(binaries)}
        for binary in binaries:
            build(binary, site, outs[binary])
        times = {b: [] for b in binaries}
        for run in range(args.runs):
            for binary in binaries:
                times[binary].append(build(binary, site, outs[binary]))
                print(f"run {run + 1}: {binary}: lint {times[binary][-1][0]:.0f} ms",
                      file=sys.stderr, flush=True)
        print(f"{args.size} articles, {args.runs} runs each; min / median / max")
        for binary in binaries:
            lint = [t[0] for t in times[binary]]
            total = [t[1] * 1000 for t in times[binary]]
            print(f"{binary}\n  lint   {spread(lint, 'ms')}\n  build  {spread(total, 'ms')}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
