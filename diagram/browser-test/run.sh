#!/usr/bin/env bash
# Headless-Chromium check of the diagram renderer: renders every tests/golden/*.mmd (the nine
# Chinese business flows and the feature samples) into one page, then checks it at a 375 px
# viewport in light and dark mode (see check.mjs for what is asserted).
#
# Needs Debian's Chromium and a CJK font (`apt-get install -y chromium fonts-noto-cjk`;
# /usr/bin/chromium, or set CHROMIUM) and Node.js; installs playwright-core from package-lock.json (it never downloads a browser).
# Extra arguments go to check.mjs, e.g. --screenshots /tmp/shots.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
crate="$(dirname "$here")"
browser="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$browser" ]; then
  echo "Chromium not found at $browser: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM)" >&2
  exit 1
fi
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "warning: no Chinese font installed (apt-get install -y fonts-noto-cjk): labels render as boxes" >&2
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
(cd "$crate" && cargo run -q --example test_page -- "$out/diagrams.html" tests/golden/*.mmd)
CHROMIUM="$browser" node "$here/check.mjs" --width 375 --expect-both "$@" "$out/diagrams.html"
# The checker must also catch broken diagrams, or its passing means nothing.
if node "$here/check.mjs" --width 375 "$here/fixtures/broken.html" >"$out/selftest.log" 2>&1; then
  echo "FAIL checker self-test: fixtures/broken.html passed" >&2
  cat "$out/selftest.log" >&2
  exit 1
fi
for expected in "text corner" "overlap" "no <title>" "foreignObject" "wider than the viewport and its box does not scroll"; do
  grep -q "$expected" "$out/selftest.log" || { echo "FAIL checker self-test: missed '$expected'" >&2; cat "$out/selftest.log" >&2; exit 1; }
done
echo "checker self-test: broken fixture rejected as expected"
