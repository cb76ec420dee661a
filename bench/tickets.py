#!/usr/bin/env python3
"""Weekly pages from 1,000,000 ticket rows: time of the ticket stage (reading and aggregating the
exports) and of the whole build, on a copy of the sample site.

    python3 bench/tickets.py [--rows 1000000] [--runs 5]

The rows are generated deterministically over 52 ISO weeks of 2026, spread over the sample
site's articles (with a question text each, as real exports have), in 10 files.
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def article_ids():
    ids = []
    for dirpath, _, files in os.walk(os.path.join(ROOT, "content")):
        for name in files:
            if name.endswith(".md") and name != "_system.md":
                m = re.search(r"^id\s*[:=]\s*\"?(KB-\d+)", open(os.path.join(dirpath, name), encoding="utf-8").read(), re.M)
                if m:
                    ids.append(m.group(1))
    return sorted(ids)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "qaportal")
    work = tempfile.mkdtemp(prefix="qaportal-tickets-")
    site = os.path.join(work, "site")
    shutil.copytree(ROOT, site, ignore=shutil.ignore_patterns("target", "public", "node_modules", ".git", ".qaportal"))
    tickets = os.path.join(site, "data", "tickets")
    shutil.rmtree(tickets)
    os.makedirs(tickets)
    rng = random.Random(1)
    ids = article_ids()
    categories = ["咨询类"] * 8 + ["数据类", "程序类"]
    files = 10
    for f in range(files):
        with open(os.path.join(tickets, f"export-{f}.csv"), "w", encoding="utf-8") as out:
            out.write("工单号,提单时间,事件类别,解决文章,问题描述\n")
            for i in range(args.rows // files):
                day = rng.randrange(1, 365)
                month, dom = divmod(day, 28)
                out.write(f"INC{f}{i:07d},2026-{month % 12 + 1:02d}-{dom + 1:02d} {rng.randrange(8, 18):02d}:{rng.randrange(60):02d},"
                          f"{rng.choice(categories)},{rng.choice(ids)},客户问题{rng.randrange(5000)}\n")
    size = sum(os.path.getsize(os.path.join(tickets, n)) for n in os.listdir(tickets)) / 1e6
    print(f"{args.rows} rows in {files} files ({size:.0f} MB)")

    stages = {"tickets": [], "assemble": [], "total": []}
    for _ in range(args.runs):
        result = subprocess.run([binary, "build", "--as-of", "2026-12-31", "--timings", "--out", os.path.join(work, "out")],
                                cwd=site, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        for line in result.stderr.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] in stages:
                stages[parts[0]].append(float(parts[1]))
        total = re.search(r"in ([\d.]+) s", result.stdout)
        stages["total"].append(float(total.group(1)) * 1000)
    for name, values in stages.items():
        print(f"{name:>9}: min {min(values):.0f} ms, median {statistics.median(values):.0f} ms, max {max(values):.0f} ms ({len(values)} runs)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
