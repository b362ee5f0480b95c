#!/usr/bin/env bash
# Set up, then build and serve the app on http://127.0.0.1:${PORT:-8080}/ under the
# page's Content-Security-Policy, sent as a header (Trunk.toml [serve.headers], the
# same string as index.html's <meta>). No live reload: Trunk's reload client is an
# inline script, which that policy refuses; reload by hand after a rebuild.
#   PORT=9000 scripts/serve.sh     another port
#   scripts/serve.sh --release     serve the optimised build
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ORDINAL_ROOT/scripts/setup.sh"
cd "$ORDINAL_ROOT"
PORT="${PORT:-8080}"
log "serving on http://127.0.0.1:$PORT/ (Ctrl-C to stop)"
with_wasm_env exec trunk serve --offline --locked --address 127.0.0.1 --port "$PORT" "$@"
