#!/usr/bin/env python3
"""Save-to-reload latency and memory of `qaportal serve` on generated sites.

    python3 bench/serve.py [--sizes 1000,10000] [--edits 20] [--soak 1000] [--binary PATH]

For each size: generates a site (bench/gen_corpus.py), starts `serve --port 0` on it, opens the
event stream as a browser tab does, then edits one answer `--edits` times, each time measuring
from just before the file is written to the arrival of the `reload` event (min/median/max).
Then it keeps editing up to `--soak` edits and compares the server's resident memory (VmRSS)
after the first and after the last edit; after the first and every 100th edit it waits for the
search index (rebuilt when edits pause), so that both figures include it. Each edit waits for its reload before the next, so
every one is a rebuild of its own. The machine is shared: look at the spread, not one number.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

CHECKPOINTS = {1, 100, 250, 500, 750, 1000}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Events:
    """The server-sent event stream, read line by line."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__qaportal/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(65536)
        self.buffer = self.buffer.split(b"\r\n\r\n", 1)[1]

    def reload_of(self, page, timeout=120):
        """The next reload event that names `page`; others (the search index's) are skipped."""
        while True:
            name, data = self.next_event(timeout)
            if name != "reload" or page in json.loads(data)["changed"]:
                return name, data

    def next_event(self, timeout=120):
        self.sock.settimeout(timeout)
        while True:
            if b"\n\n" in self.buffer:
                block, self.buffer = self.buffer.split(b"\n\n", 1)
                lines = block.decode().splitlines()
                names = [l[7:] for l in lines if l.startswith("event: ")]
                if names:
                    return names[0], "\n".join(l[6:] for l in lines if l.startswith("data: "))
                continue
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("event stream closed")
            self.buffer += chunk


def run(binary, site, edits, soak):
    server = subprocess.Popen(
        [binary, "serve", "--port", "0", "--quiet", "--as-of", "2026-11-22"],
        cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    line = server.stdout.readline()
    if "127.0.0.1:" not in line:
        sys.exit(f"serve did not start: {line}{server.stderr.read()}")
    first_build = time.monotonic() - started
    port = int(line.split("127.0.0.1:")[1].split("/")[0])
    events = Events(port)
    path = os.path.join(site, "content", "account", "a00001.md")
    original = open(path, encoding="utf-8").read()
    latencies, rss_first = [], None
    try:
        for n in range(1, max(edits, soak) + 1):
            text = original.replace("## 处理步骤", f"第 {n} 次修改。\n\n## 处理步骤", 1)
            t0 = time.monotonic()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            name, data = events.reload_of("account/a00001/index.html")
            elapsed = time.monotonic() - t0
            if name != "reload":
                sys.exit(f"edit {n}: {name} {data}")
            if n <= edits:
                latencies.append(elapsed * 1000)
            if n % 100 == 0 or n == 1:
                # An author's pause: the search index is rebuilt (and its memory counted).
                events.reload_of("search/manifest.json")
            if n == 1:
                rss_first = rss_mb(server.pid)
            if n in CHECKPOINTS:
                print(f"          RSS after edit {n}: {rss_mb(server.pid):.0f} MB", flush=True)
            # A pause like an author's between two saves, so that edits are not merged.
            time.sleep(0.05)
        rss_last = rss_mb(server.pid)
    finally:
        server.kill()
        server.wait()
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
    return first_build, latencies, rss_first, rss_last


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--soak", type=int, default=1000)
    parser.add_argument("--binary", help="a qaportal executable to measure instead of building one")
    args = parser.parse_args()

    binary = args.binary and os.path.abspath(args.binary)
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target", "release", "qaportal")
    work = tempfile.mkdtemp(prefix="qaportal-serve-bench-")
    print(f"{'articles':>8}  {'first build s':>13}  {'save→reload ms (min/median/max)':>32}  "
          f"{'RSS MB after edit 1 / ' + str(args.soak):>24}")
    for size in [int(s) for s in args.sizes.split(",")]:
        site = os.path.join(work, f"site-{size}")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), str(size), site],
                       check=True)
        first, latencies, rss_first, rss_last = run(binary, site, args.edits, args.soak)
        spread = "/".join(f"{x:.0f}" for x in (min(latencies), statistics.median(latencies), max(latencies)))
        print(f"{size:>8}  {first:>13.1f}  {spread:>32}  {rss_first:>11.0f} / {rss_last:<10.0f}", flush=True)
        print("          each edit, ms: " + " ".join(f"{x:.0f}" for x in latencies), flush=True)


if __name__ == "__main__":
    main()
