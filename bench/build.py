#!/usr/bin/env python3
"""Full-build wall time and peak memory of `qaportal build` on generated sites.

    python3 bench/build.py [--runs 5] [--sizes 1000,10000]

Builds the release binary, generates each corpus once (bench/gen_corpus.py), then runs a full
build `--runs` times per size and reports min/median/max of wall time and peak resident memory
(from /usr/bin/time). The machine is shared, so look at the spread, not one number.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "qaportal")
    work = tempfile.mkdtemp(prefix="qaportal-bench-")
    print(f"{'articles':>8} {'runs':>4}  {'wall s (min/median/max)':>26}  {'peak MB (min/median/max)':>26}")
    for size in [int(s) for s in args.sizes.split(",")]:
        site = os.path.join(work, f"site-{size}")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), str(size), site], check=True)
        walls, peaks = [], []
        for _ in range(args.runs):
            result = subprocess.run(
                ["/usr/bin/time", "-f", "%e %M", binary, "build", "--quiet", "--as-of", "2026-11-22"],
                cwd=site, capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"build failed:\n{result.stderr}")
            wall, peak_kb = result.stderr.strip().splitlines()[-1].split()
            walls.append(float(wall))
            peaks.append(int(peak_kb) / 1024)
        fmt = lambda xs, p: "/".join(f"{x:.{p}f}" for x in (min(xs), statistics.median(xs), max(xs)))
        print(f"{size:>8} {args.runs:>4}  {fmt(walls, 2):>26}  {fmt(peaks, 0):>26}")


if __name__ == "__main__":
    main()
