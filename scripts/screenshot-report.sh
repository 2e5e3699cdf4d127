#!/usr/bin/env bash
# Regenerates docs/report-html.png, the README's picture of report.html: runs `loadlens demo` (the embedded demo API,
# about 20 s on 127.0.0.1) and screenshots the top of its report.html with headless Debian Chromium (no network).
# Usage: scripts/screenshot-report.sh [OUTPUT.png]   (HEIGHT=2800 sets the height in pixels, width is 1280)
set -euo pipefail
cd "$(dirname "$0")/.."
out_png=${1:-docs/report-html.png}
height=${HEIGHT:-2800}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "error: chromium is needed (apt-get install chromium)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The demo's verdict (exit 1 when its gate fails) does not matter here; a missing report does.
dotnet run --project src/Loadlens.Cli -c Release -- demo -d 20s -o "$work/demo" >"$work/demo.log" 2>&1 || true
if [ ! -f "$work/demo/report.html" ]; then
  cat "$work/demo.log" >&2
  echo "error: the demo wrote no report.html" >&2
  exit 3
fi

"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-color-profile=srgb \
  --window-size=1280,"$height" --virtual-time-budget=5000 \
  --screenshot="$PWD/$out_png" "file://$work/demo/report.html" 2>/dev/null
echo "wrote $out_png ($(stat -c %s "$out_png") bytes) from $work/demo/report.html"
