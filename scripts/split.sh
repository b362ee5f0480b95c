#!/usr/bin/env bash
# Split the release bundle's .wasm in two (issue 12, docs/split12.md):
#   scripts/split.sh [DIST]     (default dist/, as `trunk build --release` left it)
#
# 1. tools/split (ordinal-split) instruments the .wasm: every function records that it ran;
# 2. scripts/split-profile.mjs runs that module in headless Chromium the way a first
#    visit goes before the rest arrives (the page mounts and answers a typed `get pods`;
#    an embed and the Chinese page mount; the panels that wait for the rest say so, or
#    which file is missing) and writes down the functions that ran;
# 3. ordinal-split keeps those in the first part and moves every other function's body
#    to the rest, leaving a stub, and, with the linker's map, the read-only data only
#    those bodies use; public/split.js links the rest once the page has mounted.
# The two files get names from their contents, and index.html's boot script names both.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDINAL_ROOT"
dist="$(cd "${1:-dist}" && pwd)"
html="$dist/index.html"
grep -q 'data-split=' "$html" && die "$html: already split (build again first)"
wasm=$(sed -n 's/.*data-wasm="\.\/\([^"]*\.wasm\)".*/\1/p' "$html")
[ -n "$wasm" ] && [ -f "$dist/$wasm" ] || die "$html names no .wasm in data-wasm (built by trunk build --release?)"

tool_dir="$ORDINAL_ROOT/target/split-tool"
tool="$tool_dir/release/ordinal-split"
cargo build --release --locked --offline --quiet --manifest-path tools/split/Cargo.toml --target-dir "$tool_dir" ||
	die "could not build tools/split (did scripts/setup.sh fetch its crates?)"

work="$ORDINAL_ROOT/target/split"
rm -rf "$work"
mkdir -p "$work"
"$tool" instrument "$dist/$wasm" "$work/instrumented.wasm"
node scripts/split-profile.mjs "$dist" "$work/instrumented.wasm" "$work/profile.txt"
# The linker's map lets the read-only data that only moved code uses move too; it
# must come from the link that made this .wasm (written beside cargo's artifact).
map=()
artifact="$ORDINAL_ROOT/target/wasm32-unknown-unknown/web/ordinal-web.wasm"
apart=-1 # seconds between the map and the artifact
if [ -f "$ORDINAL_WEB_LINK_MAP" ] && [ -f "$artifact" ]; then
	apart=$(($(stat -c %Y "$ORDINAL_WEB_LINK_MAP") - $(stat -c %Y "$artifact")))
	apart=${apart#-}
fi
if [ "$apart" -ge 0 ] && [ "$apart" -le 120 ] && [ ! "$artifact" -nt "$dist/$wasm" ]; then
	map=("$ORDINAL_WEB_LINK_MAP")
else
	log "no link map from this build's link ($ORDINAL_WEB_LINK_MAP): the data stays in the first part"
fi
"$tool" split "$dist/$wasm" "$work/profile.txt" "$work/first.wasm" "$work/rest.wasm" "${map[@]}"
# wasm-opt once more over the first part, with index.html's flags: without the moved
# bodies it finds about 2% more to cut (docs/split12.md). Exports, imports and the
# table, which join the two parts, stay as they are.
params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)
# shellcheck disable=SC2086 # the flags are words
wasm-opt -Oz $params "$work/first.wasm" -o "$work/first.opt.wasm"
mv "$work/first.opt.wasm" "$work/first.wasm"

first="ordinal-web-$(sha256sum "$work/first.wasm" | cut -c1-16)_bg.wasm"
rest="ordinal-web-$(sha256sum "$work/rest.wasm" | cut -c1-16)_rest.wasm"
rm "$dist/$wasm"
cp "$work/first.wasm" "$dist/$first"
cp "$work/rest.wasm" "$dist/$rest"
sed -i "s|data-wasm=\"./$wasm\"|data-wasm=\"./$first\" data-split=\"./$rest\"|" "$html"
grep -q "data-split=\"./$rest\"" "$html" || die "could not name the split files in $html"
log "split $wasm into $first ($(wc -c <"$dist/$first") bytes) and $rest ($(wc -c <"$dist/$rest") bytes)"
