#!/usr/bin/env bash
# Print the release bundle's sizes (.wasm, .js, .css: raw, gzip, brotli, total).
#   scripts/size-report.sh           report on dist/ as it is
#   scripts/size-report.sh --build   set up and build the release bundle first
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDINAL_ROOT"
if [ "${1:-}" = "--build" ]; then
	"$ORDINAL_ROOT/scripts/setup.sh"
	with_wasm_env trunk build --release --offline --locked
fi
exec node "$ORDINAL_ROOT/scripts/size-report.mjs" "$ORDINAL_ROOT/dist"
