#!/usr/bin/env python3
"""Reading a big search log: `qaportal week --search-log` on generated access logs of 100 MB and
1 GB (plain, and 1 GB gzip-compressed), wall time and peak memory (max RSS) of each run, to show
that it streams: memory stays flat however big the log.

    python3 bench/search_log.py [--sizes 100,1000] [--runs 3] [--keep]

The logs are generated deterministically under /tmp/qaportal-search-log-bench/ (removed after,
unless --keep) in the nginx format of docs/search-log.md: eight weeks of beacons from
sessions of one to four searches, a search opening an answer most of the time, 20,000 distinct
queries drawn with a long tail (as real queries are), and one line in ten thousand of junk
(another format, a line cut short, binary bytes), which is counted and skipped.
"""
import argparse
import bisect
import calendar
import gzip
import os
import random
import shutil
import statistics
import subprocess
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = "/tmp/qaportal-search-log-bench"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49"
WORDS = "转账 失败 银证 开户 密码 重置 基金 赎回 到账 新股 申购 中签 缴款 融资 融券 担保 比例 行情 港股通 权限 风险 测评 理财 销户 手机号 验证码 登录 闪退 手续费 限额".split()


def queries(rng, n):
    pool = set()
    while len(pool) < n:
        pool.add("".join(rng.sample(WORDS, rng.randint(1, 3))) + rng.choice(["", "", "怎么办", "吗", "？", str(rng.randrange(100))]))
    return sorted(pool)


def generate(path, megabytes, seed=1):
    rng = random.Random(seed)
    pool = queries(rng, 20_000)
    # Each query percent-encoded once (the encoding is most of the cost of a line).
    encoded = [urllib.parse.quote(q, safe="") for q in pool]
    weights = [1 / (i + 1) for i in range(len(pool))]
    cumulative = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    draw = lambda: encoded[bisect.bisect(cumulative, rng.random() * total)]
    below = lambda n: int(rng.random() * n)
    start = calendar.timegm((2026, 9, 20, 16, 0, 0))  # Monday 2026-09-21 00:00 in UTC+8 (W39)
    limit = megabytes * 1_000_000
    written = 0
    session = 0
    with open(path, "w", encoding="utf-8") as out:
        chunk = []
        while written < limit:
            session += 1
            t = start + below(56 * 86400)
            sid = f"s{session:x}"
            ip = f"10.{below(256)}.{below(256)}.{1 + below(254)}"
            lines = []
            for _ in range(1 + below(4)):
                q = draw()
                lines.append((t, f"event=search&q={q}&results={below(20)}&outcome=answers&session={sid}"))
                t += 3 + below(27)
                if rng.random() < 0.7:
                    lines.append((t, f"event=open&q={q}&answer=KB-{1 + below(89):04d}&rank={1 + below(6)}&session={sid}"))
                    t += 30 + below(270)
            for t, params in lines:
                local = time.gmtime(t + 8 * 3600)
                stamp = f"{local.tm_mday:02d}/{MONTHS[local.tm_mon - 1]}/{local.tm_year}:{local.tm_hour:02d}:{local.tm_min:02d}:{local.tm_sec:02d} +0800"
                line = f'{ip} - - [{stamp}] "POST /search/log?{params}&v=1 HTTP/1.1" 204 0 "-" "{AGENT}"\n'
                if rng.random() < 0.0001:
                    line = rng.choice(['{"time":"2026-10-01T10:00:00+08:00"}\n', line[: len(line) // 2] + "\n", "\x00\x01\x02junk\n"])
                chunk.append(line)
                written += len(line)  # ASCII: the query is percent-encoded
            if len(chunk) > 4096:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    return os.path.getsize(path)


def run(binary, log):
    started = time.perf_counter()
    # A child per run: RUSAGE_CHILDREN's max RSS is the largest child so far, so each run
    # measures in a process of its own (python -c waits for qaportal and reports its rusage).
    probe = subprocess.run(
        ["python3", "-c",
         "import resource,subprocess,sys;"
         "p=subprocess.run(sys.argv[1:],capture_output=True);"
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
         "sys.stderr.write(p.stdout.decode()[:2000]);sys.exit(p.returncode)",
         binary, "week", "2026-W44", "--root", ROOT, "--as-of", "2026-11-22", "--search-log", log],
        capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if probe.returncode != 0:
        raise SystemExit(probe.stderr)
    return elapsed, int(probe.stdout.strip()) / 1024, probe.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000", help="log sizes in MB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "qaportal")
    os.makedirs(WORK, exist_ok=True)
    try:
        logs = []
        for mb in [int(s) for s in args.sizes.split(",")]:
            path = os.path.join(WORK, f"search-{mb}MB.log")
            if not os.path.exists(path):
                generate(path + ".part", mb)
                os.rename(path + ".part", path)
            logs.append(path)
        biggest = logs[-1]
        gz = biggest + ".gz"
        if not os.path.exists(gz):
            with open(biggest, "rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        logs.append(gz)
        for log in logs:
            size = os.path.getsize(log) / 1e6
            times, memory = [], []
            for _ in range(args.runs):
                elapsed, rss, report = run(binary, log)
                times.append(elapsed)
                memory.append(rss)
            print(f"{os.path.basename(log)} ({size:,.0f} MB on disk): "
                  f"time min {min(times):.2f} s / median {statistics.median(times):.2f} s / max {max(times):.2f} s; "
                  f"peak RSS min {min(memory):.0f} / median {statistics.median(memory):.0f} / max {max(memory):.0f} MB")
        print("last report:\n" + "\n".join(report.splitlines()[:8]))
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
