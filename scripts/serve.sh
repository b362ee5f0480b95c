#!/usr/bin/env bash
# Set up, then build and serve the app with live reload on http://127.0.0.1:${PORT:-8080}/
#   PORT=9000 scripts/serve.sh     another port
#   scripts/serve.sh --release     serve the optimised build
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ORDINAL_ROOT/scripts/setup.sh"
cd "$ORDINAL_ROOT"
PORT="${PORT:-8080}"
log "serving on http://127.0.0.1:$PORT/ (Ctrl-C to stop)"
with_wasm_env exec trunk serve --offline --locked --address 127.0.0.1 --port "$PORT" "$@"
