#!/usr/bin/env python3
"""Full-build wall time and peak memory of `qaportal build` on generated sites.

    python3 bench/build.py [--runs 5] [--sizes 1000,10000] [--binary PATH]

Builds the release binary (or takes --binary, to compare two builds of qaportal), generates each corpus once (bench/gen_corpus.py), then per size:
- cold: `--runs` builds from nothing (no previous output, no .qaportal caches; earlier runs'
  output is moved aside and deleted only at the end);
- warm: `--runs` rebuilds of the unchanged site (the weekly republish: the search index, QR codes
  and unchanged output files are reused).
Reports min/median/max of wall time and peak resident memory (from /usr/bin/time), and the
median time of each stage (`build --timings`). The machine is shared: look at the spread.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--binary", help="a qaportal executable to measure instead of building one")
    args = parser.parse_args()

    binary = args.binary and os.path.abspath(args.binary)
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target", "release", "qaportal")
    work = tempfile.mkdtemp(prefix="qaportal-bench-")
    trash = os.path.join(work, "trash")
    os.mkdir(trash)
    print(f"{'articles':>8} {'build':>5} {'runs':>4}  {'wall s (min/median/max)':>24}  {'peak MB (min/median/max)':>24}  stages (median ms)")
    for size in [int(s) for s in args.sizes.split(",")]:
        site = os.path.join(work, f"site-{size}")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), str(size), site], check=True)
        for mode in ("cold", "warm"):
            walls, peaks, stages = [], [], {}
            for _ in range(args.runs):
                if mode == "cold":
                    # Moved aside, deleted at the end: on ext4 without a journal (these VMs),
                    # creating files within seconds of deleting thousands is several times
                    # slower (the allocator skips recently deleted inodes), which would measure
                    # the bench's own cleanup rather than the build.
                    for leftover in ("public", ".qaportal"):
                        if os.path.exists(os.path.join(site, leftover)):
                            os.rename(os.path.join(site, leftover), os.path.join(trash, f"{len(os.listdir(trash))}"))
                result = subprocess.run(
                    ["/usr/bin/time", "-f", "%e %M", binary, "build", "--timings", "--as-of", "2026-11-22"],
                    cwd=site, capture_output=True, text=True)
                if result.returncode != 0:
                    sys.exit(f"build failed:\n{result.stderr}")
                lines = result.stderr.strip().splitlines()
                wall, peak_kb = lines[-1].split()
                walls.append(float(wall))
                peaks.append(int(peak_kb) / 1024)
                for line in lines[:-1]:
                    parts = line.split()
                    if len(parts) == 3 and parts[2] == "ms":
                        stages.setdefault(parts[0], []).append(float(parts[1]))
            fmt = lambda xs, p: "/".join(f"{x:.{p}f}" for x in (min(xs), statistics.median(xs), max(xs)))
            detail = " ".join(f"{k} {statistics.median(v):.0f}" for k, v in stages.items())
            print(f"{size:>8} {mode:>5} {args.runs:>4}  {fmt(walls, 2):>24}  {fmt(peaks, 0):>24}  {detail}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
