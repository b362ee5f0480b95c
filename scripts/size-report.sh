#!/usr/bin/env bash
# Print the release bundle's sizes (.wasm, .js, .css: raw, gzip, brotli, total), the top 20
# contributors by crate/module, and fail when the first-load brotli total exceeds
# the budget in size-budget.txt (see scripts/size-report.mjs).
#   scripts/size-report.sh               report on dist/ as it is
#   scripts/size-report.sh --build       set up, build and split the release bundle first
#   scripts/size-report.sh --opt-levels  build with opt-level "z" and "s" (separate target
#                                        dirs under target/opt-*) and report both
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDINAL_ROOT"
case "${1:-}" in
"") ;;
--build)
	"$ORDINAL_ROOT/scripts/setup.sh" --test # the split's profile runs in Chromium
	with_release_env trunk build --release --offline --locked
	"$ORDINAL_ROOT/scripts/split.sh" dist
	;;
--opt-levels)
	"$ORDINAL_ROOT/scripts/setup.sh"
	for level in z s; do
		t0=$(now_ms)
		log "release build with opt-level \"$level\""
		CARGO_PROFILE_WEB_OPT_LEVEL=$level CARGO_TARGET_DIR="$ORDINAL_ROOT/target/opt-$level" \
			with_release_env trunk build --release --offline --locked --dist "$ORDINAL_ROOT/target/opt-$level/dist"
		log_time "opt-level $level build" "$t0"
	done
	for level in z s; do
		echo "opt-level \"$level\":"
		node "$ORDINAL_ROOT/scripts/size-report.mjs" "$ORDINAL_ROOT/target/opt-$level/dist" \
			--wasm "$ORDINAL_ROOT/target/opt-$level/wasm32-unknown-unknown/web/ordinal-web.wasm" || true
	done
	exit 0
	;;
*) die "unknown argument: $1 (try --build or --opt-levels)" ;;
esac
exec node "$ORDINAL_ROOT/scripts/size-report.mjs" "$ORDINAL_ROOT/dist"
