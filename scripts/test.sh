#!/usr/bin/env bash
# Set up, then run every test: formatting, clippy (native and wasm32), native
# unit and integration tests, the release wasm build, its size report, and the
# headless-Chromium end-to-end tests. Every stage runs even when one fails; the
# last line sums them up: "N passed, M failed".
#
# Logs of each stage: target/test-logs/. Screenshots: target/e2e/.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ORDINAL_ROOT/scripts/setup.sh" --test
cd "$ORDINAL_ROOT"

LOGS="$ORDINAL_ROOT/target/test-logs"
rm -rf "$LOGS" "$ORDINAL_ROOT/target/e2e"
mkdir -p "$LOGS"

PASSED=0
FAILED=0
SUMMARY=()

# stage NAME LOG CMD...: run CMD, show and log its output; a stage that runs no
# test harness of its own counts as one check.
stage() {
	local name="$1" logf="$LOGS/$2.log" t0 rc=0
	shift 2
	t0=$(now_ms)
	log "$name"
	"$@" 2>&1 | tee "$logf" || rc=${PIPESTATUS[0]}
	local ms=$(($(now_ms) - t0))
	STAGE_TIME="$((ms / 1000)).$((ms % 1000 / 100))s"
	STAGE_RC=$rc
	if [ "$rc" -eq 0 ]; then log_time "$name: ok" "$t0"; else log_time "$name: FAILED (exit $rc, log: ${logf#"$ORDINAL_ROOT"/})" "$t0"; fi
	return 0
}

check() {
	stage "$@"
	if [ "$STAGE_RC" -eq 0 ]; then
		PASSED=$((PASSED + 1))
		SUMMARY+=("$(printf '%-26s ok      %8s' "$1" "$STAGE_TIME")")
	else
		FAILED=$((FAILED + 1))
		SUMMARY+=("$(printf '%-26s FAILED  %8s' "$1" "$STAGE_TIME")")
	fi
}

# tests NAME LOG PASS_RE FAIL_RE CMD...: a stage whose runner reports counts; sum them.
tests() {
	local name="$1" logf="$2" pass_re="$3" fail_re="$4"
	shift 4
	stage "$name" "$logf" "$@"
	local p f
	p=$(sed -nE "s/$pass_re/\1/p" "$LOGS/$logf.log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -nE "s/$fail_re/\1/p" "$LOGS/$logf.log" | awk '{s+=$1} END {print s+0}')
	# A runner that failed without reporting a failed test (a build error) counts as one failure.
	if [ "$STAGE_RC" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	SUMMARY+=("$(printf '%-26s %s passed, %s failed  %8s' "$name" "$p" "$f" "$STAGE_TIME")")
}

WASM=wasm32-unknown-unknown
CARGO_PASS='^test result: [a-zA-Z]+\. ([0-9]+) passed.*'
CARGO_FAIL='^test result: [a-zA-Z]+\. [0-9]+ passed; ([0-9]+) failed.*'
NODE_PASS='^[^ ]+ pass ([0-9]+)$'
NODE_FAIL='^[^ ]+ fail ([0-9]+)$'

check "cargo fmt --check" fmt cargo fmt --all -- --check
check "clippy (native)" clippy-native cargo clippy --all-targets --locked -- -D warnings
# With build-std, test targets also need the `test` crate built from source.
clippy_wasm() {
	if [ "${ORDINAL_WASM_TOOLCHAIN:-}" = debian ]; then export CARGO_UNSTABLE_BUILD_STD=std,panic_abort,test; fi
	cargo clippy --target "$WASM" --all-targets --locked -- -D warnings
}
check "clippy (wasm32)" clippy-wasm with_wasm_env clippy_wasm
tests "cargo test (native)" cargo-test "$CARGO_PASS" "$CARGO_FAIL" cargo test --locked
# tools/split, the crate that splits the release .wasm (scripts/split.sh): its own manifest.
SPLIT_TOOL=(--manifest-path tools/split/Cargo.toml)
SPLIT_TARGET=(--target-dir target/split-tool)
check "tools/split: fmt" split-fmt cargo fmt "${SPLIT_TOOL[@]}" -- --check
check "tools/split: clippy" split-clippy cargo clippy "${SPLIT_TOOL[@]}" "${SPLIT_TARGET[@]}" --all-targets --locked --offline -- -D warnings
tests "tools/split: tests" split-test "$CARGO_PASS" "$CARGO_FAIL" cargo test "${SPLIT_TOOL[@]}" "${SPLIT_TARGET[@]}" --locked --offline
check "trunk build --release" trunk-build with_release_env trunk build --release --offline --locked
check "split the .wasm" split scripts/split.sh dist
check "size report" size-report node scripts/size-report.mjs dist
shopt -s nullglob
E2E_FILES=(tests/e2e/*.test.mjs)
[ ${#E2E_FILES[@]} -gt 0 ] || E2E_FILES=(tests/e2e/no-e2e-test-files-found.test.mjs)
tests "e2e (headless Chromium)" e2e "$NODE_PASS" "$NODE_FAIL" \
	node --test --test-reporter=spec --test-concurrency=1 "${E2E_FILES[@]}"

echo
echo "Summary (logs in target/test-logs/, screenshots in target/e2e/):"
printf '  %s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
