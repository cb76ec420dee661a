#!/usr/bin/env python3
"""Times `qaportal check` on the hostile inputs of issue 16, each in a fresh copy of a small
site: wall time (min/median/max of --runs) and peak memory, and the first error line.

    python3 bench/hostile.py [--binary target/release/qaportal] [--runs 3]

Every case must end in well under a second with a clear error: before the limits, the same
inputs took 105 s (an & product of 300 × 300 nodes), over 300 s (a random 10,000-node graph),
37 s (100,000 nested <div>s), 7.8 GB (60 YAML aliases of a 1 MB string) and 6.7 GB (a 200 MB
markdown file), or crashed (1,000 nested subgraphs, `week 9999-W52`, a 2,400-character
base_url).
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time

HEAD = "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n"


def mermaid(body):
    return HEAD + "```mermaid\nflowchart TD\n" + body + "```\n"


def cases():
    left = " & ".join(f"A{i}" for i in range(300))
    right = " & ".join(f"B{i}" for i in range(300))
    rng = random.Random(7)
    graph = "".join(f"N{rng.randrange(10000)} --> N{rng.randrange(10000)}\n" for _ in range(20000))
    nested = "".join(f"subgraph S{i}\n" for i in range(1000)) + "A --> B\n" + "end\n" * 1000
    big = "长" * 350_000  # 1 MB
    aliases = (
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\nsummary: &big " + big + "\nquestions:\n"
        + "  - *big\n" * 60 + "---\n"
    )
    return [
        ("edge product 300x300", {"content/account/x.md": mermaid(f"{left} --> {right}\n")}, ["check"]),
        ("random graph 10,000 nodes", {"content/account/x.md": mermaid(graph)}, ["check"]),
        ("1,000 nested subgraphs", {"content/account/x.md": mermaid(nested)}, ["check"]),
        ("100,000 nested <div>", {"content/account/x.md": HEAD + "<div>" * 100_000 + "x" + "</div>" * 100_000}, ["check"]),
        ("60 aliases of 1 MB", {"content/account/x.md": aliases}, ["check"]),
        ("200 MB markdown", {"content/account/x.md": HEAD + ("正文内容。" * 20 + "\n\n") * 680_000}, ["check"]),
        ("week 9999-W52", {}, ["week", "9999-W52"]),
        ("base_url 2,400 chars", {}, ["build", "--base-url", "https://x.example/" + "a" * 2400 + "/"]),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/qaportal")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    print(f"{'case':28} {'min s':>7} {'median':>7} {'max s':>7} {'peak MB':>8}  first error")
    for name, files, command in cases():
        times, peak, first = [], 0, ""
        for _ in range(args.runs):
            site = tempfile.mkdtemp(prefix="qaportal-hostile-")
            try:
                subprocess.run([binary, "init", site], capture_output=True, check=True)
                for relative, text in files.items():
                    with open(os.path.join(site, relative), "w") as f:
                        f.write(text)
                started = time.perf_counter()
                done = subprocess.run(
                    ["/usr/bin/time", "-f", "peak_kb=%M", binary, *command, "--as-of", "2026-11-22"],
                    cwd=site, capture_output=True, text=True,
                )
                times.append(time.perf_counter() - started)
                peak = max(peak, int(done.stderr.rsplit("peak_kb=", 1)[1].split()[0]))
                first = next(
                    (l for l in done.stderr.splitlines() if l.startswith("error")), f"exit {done.returncode}"
                )
                assert done.returncode in (1, 2), f"{name}: exit {done.returncode}\n{done.stderr[-500:]}"
            finally:
                shutil.rmtree(site, ignore_errors=True)
        print(
            f"{name:28} {min(times):7.2f} {statistics.median(times):7.2f} {max(times):7.2f} "
            f"{peak / 1024:8.0f}  {first[:110]}"
        )


if __name__ == "__main__":
    main()
