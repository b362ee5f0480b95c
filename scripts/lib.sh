# Shared helpers for scripts/*.sh (sourced, not run).
# shellcheck shell=bash

ORDINAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ORDINAL_ROOT
ORDINAL_ENV_FILE="$ORDINAL_ROOT/target/ordinal-toolchain.env"
# Where the release build's linker writes its map (with_release_env, scripts/split.sh).
ORDINAL_WEB_LINK_MAP="$ORDINAL_ROOT/target/ordinal-web.map"

# Pinned tool versions (wasm-bindgen's comes from Cargo.lock, as Trunk reads it).
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132" # tools/package.json pins binaryen 132.0.0; Trunk.toml wants version_132

CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export CARGO_HOME
# `cargo install` puts binaries in $CARGO_INSTALL_ROOT/bin (or $CARGO_HOME/bin).
ORDINAL_CARGO_BIN="${CARGO_INSTALL_ROOT:-$CARGO_HOME}/bin"
case ":$PATH:" in
*":$CARGO_HOME/bin:"*) ;;
*) PATH="$CARGO_HOME/bin:$PATH" ;;
esac
case ":$PATH:" in
*":$ORDINAL_CARGO_BIN:"*) ;;
*) PATH="$ORDINAL_CARGO_BIN:$PATH" ;;
esac
PATH="$ORDINAL_ROOT/tools/node_modules/.bin:$PATH"
export PATH

log() { printf '==> %s\n' "$*" >&2; }
die() {
	printf '\nERROR: %s\n' "$*" >&2
	exit 1
}

# step NAME CMD...: run one step, print its name and how long it took.
step() {
	local name="$1"
	shift
	local t0 rc=0
	t0=$(now_ms)
	log "$name"
	"$@" || rc=$?
	if [ "$rc" -ne 0 ]; then
		log_time "$name FAILED (exit $rc)" "$t0"
		return "$rc"
	fi
	log_time "$name" "$t0"
}

now_ms() { date +%s%3N; }
# log_time LABEL T0_MS: print "<== LABEL: 12.3s".
log_time() {
	local ms=$(($(now_ms) - $2))
	printf '<== %s: %d.%ds\n' "$1" $((ms / 1000)) $((ms % 1000 / 100)) >&2
}

# The wasm-bindgen version Trunk will ask for: the one in Cargo.lock.
wasm_bindgen_lock_version() {
	awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ORDINAL_ROOT/Cargo.lock"
}

# Run a command with the wasm toolchain chosen by setup.sh (PATH order and
# build-std variables for Debian's rustc, or rustup's as is).
with_wasm_env() {
	[ -f "$ORDINAL_ENV_FILE" ] || die "missing $ORDINAL_ENV_FILE: run scripts/setup.sh first"
	(
		# shellcheck disable=SC1090
		. "$ORDINAL_ENV_FILE"
		"$@"
	)
}

# Run a command (trunk build --release) with the wasm toolchain and what makes the
# release wasm small (docs/size.md): the standard library rebuilt from source with
# the project's profile (opt-level "z", LTO), panics that abort at once with no
# message formatting (-Cpanic=immediate-abort) and no file/line strings in panic
# locations (-Zlocation-detail=none), and std built with its `optimize_for_size`
# feature (algorithms chosen for size, same results: a merge sort instead of
# driftsort, integer formatting one digit at a time; docs/slim12.md).
# These are unstable flags, enabled with
# RUSTC_BOOTSTRAP=1 on the stable toolchain. setup.sh records ORDINAL_SMALL_STD=1
# when the standard library's source is there (rustup's rust-src component, or
# Debian's rust-web-src); without it the release build is the plain one.
with_release_env() {
	with_wasm_env _release_env "$@"
}
_release_env() {
	if [ "${ORDINAL_SMALL_STD:-0}" = 1 ]; then
		export RUSTC_BOOTSTRAP=1
		export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
		# std's size-optimised algorithms, where its source knows the feature (Rust 1.8x+).
		local lib
		lib="$("${RUSTC:-rustc}" --print sysroot)/lib/rustlib/src/rust/library"
		if grep -qs '^optimize_for_size' "$lib/sysroot/Cargo.toml"; then
			export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
		fi
		export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
	fi
	# The linker's map of the statics: scripts/split.sh moves the read-only data
	# that only the rest's code uses into the rest with it (docs/split12.md).
	# It leaves the .wasm byte for byte as it was.
	export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-} -Clink-arg=--Map=$ORDINAL_WEB_LINK_MAP"
	"$@"
}
