#!/usr/bin/env bash
# Install whatever is missing to build (and with --test, to test) Ordinal.
# Idempotent: each step checks first and skips what is already there.
#
#   scripts/setup.sh          build + serve tools
#   scripts/setup.sh --test   also the test tools (Chromium, playwright-core)
#
# Environment:
#   ORDINAL_WASM_TOOLCHAIN=auto|rustup|debian   which toolchain builds wasm32 (default auto:
#       rustup's when its wasm32 target is or can be installed, else Debian's rustc-web
#       with build-std)
#   ORDINAL_CHROMIUM=/path/to/chromium          browser for e2e tests (default /usr/bin/chromium)
#
# Only the package registries are used (crates.io, npm, Debian); nothing else is downloaded.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WANT_TEST=0
for arg in "$@"; do
	case "$arg" in
	--test) WANT_TEST=1 ;;
	-h | --help)
		sed -n '2,14p' "$0"
		exit 0
		;;
	*) die "unknown argument: $arg (try --help)" ;;
	esac
done

MODE="${ORDINAL_WASM_TOOLCHAIN:-auto}"
case "$MODE" in auto | rustup | debian) ;; *) die "ORDINAL_WASM_TOOLCHAIN must be auto, rustup or debian (got '$MODE')" ;; esac

SETUP_T0=$(now_ms)
cd "$ORDINAL_ROOT"
mkdir -p target

# apt_install PKG...: install Debian packages (as root, or through passwordless sudo).
APT_UPDATED=0
apt_install() {
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo=(sudo -n)
		else
			die "need Debian packages: $*; run as root or install them: apt-get install $*"
		fi
	fi
	command -v apt-get >/dev/null || die "need Debian packages $* but apt-get is missing (not a Debian machine?)"
	if [ "$APT_UPDATED" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -q </dev/null ||
			die "apt-get update failed (needed for: $*)"
		APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" </dev/null ||
		die "apt-get install $* failed"
}

deb_missing() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	echo "${missing[@]:-}"
}

check_base() {
	command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (the stable toolchain)"
	command -v rustup >/dev/null || die "rustup not found: Ordinal expects rustup's stable toolchain for native builds"
	command -v node >/dev/null || die "node not found: install Node.js (18 or newer) with npm"
	command -v npm >/dev/null || die "npm not found: install npm"
	# The native CLI and bench link mimalloc, whose C source the cc crate compiles.
	if ! command -v cc >/dev/null; then
		log "  no C compiler: installing Debian's gcc (mimalloc, for the native CLI and bench)"
		apt_install gcc
	fi
	local nv
	nv=$(node -p 'process.versions.node.split(".")[0]')
	[ "$nv" -ge 18 ] || die "Node.js $(node --version) is too old: need 18 or newer"
	log "  $(cargo --version), $(rustc --version), node $(node --version), npm $(npm --version 2>/dev/null), $(cc --version | head -n 1)"
}

check_components() {
	local missing=()
	cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
	cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
	[ ${#missing[@]} -eq 0 ] && {
		log "  rustfmt and clippy present"
		return 0
	}
	log "  adding rustup components: ${missing[*]}"
	timeout 120 rustup component add "${missing[@]}" ||
		die "rustup components missing and could not be added: ${missing[*]}"
}

DEBIAN_WASM_PKGS=(rustc-web cargo-web rust-web-src rust-web-clippy lld-22)

use_rustup() {
	if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
		log "  rustup has wasm32-unknown-unknown"
		return 0
	fi
	log "  rustup target add wasm32-unknown-unknown (time-out 120s)"
	timeout 120 rustup target add wasm32-unknown-unknown </dev/null
}

# The standard library's source, so the release build can rebuild std small
# (scripts/lib.sh with_release_env). Optional: without it the bundle is larger
# and the size report's budget fails, saying so.
rustup_rust_src() {
	local src
	src="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
	[ -d "$src" ] && return 0
	log "  rustup component add rust-src (time-out 120s)"
	timeout 120 rustup component add rust-src </dev/null >&2 && [ -d "$src" ]
}

use_debian() {
	local missing
	missing=$(deb_missing "${DEBIAN_WASM_PKGS[@]}")
	if [ -n "$missing" ]; then
		log "  installing Debian packages: $missing"
		# shellcheck disable=SC2086
		apt_install $missing
	else
		log "  Debian packages present: ${DEBIAN_WASM_PKGS[*]}"
	fi
	[ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] || die "Debian's /usr/bin/cargo or /usr/bin/rustc missing after install"
	[ -d "$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library" ] ||
		die "Debian's Rust source (rust-web-src) missing: build-std needs it"
	# Shims so that `cargo` on PATH is Debian's while trunk, wasm-bindgen and wasm-opt
	# stay ours (a Debian wasm-opt or wasm-bindgen in /usr/bin must not shadow them).
	local shim="$ORDINAL_ROOT/target/ordinal-bin"
	rm -rf "$shim"
	mkdir -p "$shim"
	local t
	for t in cargo rustc rustdoc cargo-clippy clippy-driver; do
		[ -x "/usr/bin/$t" ] && ln -s "/usr/bin/$t" "$shim/$t"
	done
	[ -e "$shim/cargo-clippy" ] || die "Debian's cargo-clippy missing (package rust-web-clippy)"
	# rustc links wasm32 with `rust-lld -flavor wasm`; Debian's lld-22 provides it as lld.
	local lld
	lld=$(command -v rust-lld || true)
	[ -n "$lld" ] || lld=$(ls /usr/lib/llvm-*/bin/lld 2>/dev/null | sort -V | tail -n1)
	[ -n "$lld" ] || die "no lld for linking wasm32 (package lld-22)"
	ln -s "$lld" "$shim/rust-lld"
	log "  Debian $(/usr/bin/rustc --version) with build-std"
}

write_env() {
	local mode="$1" tmp="$ORDINAL_ENV_FILE.tmp"
	{
		echo "# Written by scripts/setup.sh: the toolchain that builds wasm32. Sourced by scripts/*.sh."
		echo "export ORDINAL_WASM_TOOLCHAIN=$mode"
		echo "export PATH=\"$ORDINAL_ROOT/tools/node_modules/.bin:$ORDINAL_CARGO_BIN:$CARGO_HOME/bin:\$PATH\""
		if [ "$mode" = debian ]; then
			echo "export PATH=\"$ORDINAL_ROOT/target/ordinal-bin:\$PATH\""
			echo "export RUSTC=/usr/bin/rustc"
			echo "export RUSTC_BOOTSTRAP=1"
			echo "export CARGO_UNSTABLE_BUILD_STD=std,panic_abort"
			echo "export ORDINAL_SMALL_STD=1"
		elif rustup_rust_src; then
			echo "export ORDINAL_SMALL_STD=1"
		else
			log "  WARNING: no rust-src: the release wasm is built without the small std (larger)"
		fi
	} >"$tmp"
	mv "$tmp" "$ORDINAL_ENV_FILE"
}

wasm_toolchain() {
	case "$MODE" in
	rustup) use_rustup || die "rustup could not install the wasm32-unknown-unknown target (try ORDINAL_WASM_TOOLCHAIN=debian)" ;;
	debian) use_debian ;;
	auto)
		if use_rustup; then
			MODE=rustup
		else
			log "  rustup's wasm32 target unavailable: falling back to Debian's rustc-web with build-std"
			MODE=debian
			use_debian
		fi
		;;
	esac
	write_env "$MODE"
	log "  wasm32 toolchain: $MODE (recorded in ${ORDINAL_ENV_FILE#"$ORDINAL_ROOT"/})"
}

# Trunk builds --offline, so every crate must be in cargo's cache first: the
# project's (for all targets) and, with build-std, the standard library's own.
fetch_crates() {
	cargo fetch --locked </dev/null || die "cargo fetch failed: crates.io unreachable?"
	# tools/split (scripts/split.sh splits the release .wasm with it) is its own crate.
	cargo fetch --locked --manifest-path "$ORDINAL_ROOT/tools/split/Cargo.toml" </dev/null ||
		die "cargo fetch for tools/split failed"
	with_release_env cargo fetch --locked --target wasm32-unknown-unknown </dev/null ||
		die "cargo fetch for wasm32 (toolchain $MODE) failed"
}

install_trunk() {
	local have
	have=$(trunk --version 2>/dev/null || true)
	if [ "$have" = "trunk $TRUNK_VERSION" ]; then
		log "  $have present ($(command -v trunk))"
		return 0
	fi
	log "  ${have:-trunk not found}: cargo install trunk --version $TRUNK_VERSION --locked (about 15 minutes on 2 cores)"
	cargo install trunk --version "$TRUNK_VERSION" --locked ||
		die "could not install trunk $TRUNK_VERSION from crates.io"
	[ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ] ||
		die "trunk $TRUNK_VERSION installed but \`trunk --version\` says '$(trunk --version 2>&1)' (PATH order?)"
}

install_wasm_bindgen() {
	local want have
	want=$(wasm_bindgen_lock_version)
	[ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
	have=$(wasm-bindgen --version 2>/dev/null || true)
	if [ "$have" = "wasm-bindgen $want" ]; then
		log "  $have present ($(command -v wasm-bindgen))"
		return 0
	fi
	log "  ${have:-wasm-bindgen not found}: cargo install wasm-bindgen-cli --version $want (matches Cargo.lock)"
	# Not --locked: its lockfile names a webpki-roots release the registry lacks.
	cargo install wasm-bindgen-cli --version "$want" ||
		die "could not install wasm-bindgen-cli $want from crates.io"
	[ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $want" ] ||
		die "wasm-bindgen-cli $want installed but \`wasm-bindgen --version\` says '$(wasm-bindgen --version 2>&1)' (PATH order?)"
}

# npm_tools DIR CHECK...: `npm ci` in DIR unless CHECK (a command) already succeeds.
npm_tools() {
	local dir="$1"
	shift
	if "$@" >/dev/null 2>&1; then
		log "  ${dir#"$ORDINAL_ROOT"/} up to date"
		return 0
	fi
	log "  npm ci in ${dir#"$ORDINAL_ROOT"/}"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null) || die "npm ci failed in $dir"
	"$@" >/dev/null 2>&1 || die "after npm ci in $dir, the check failed: $*"
}

wasm_opt_ok() {
	[ "$("$ORDINAL_ROOT/tools/node_modules/.bin/wasm-opt" --version 2>/dev/null)" = "wasm-opt version $BINARYEN_VERSION (version_$BINARYEN_VERSION)" ]
}
install_wasm_opt() {
	npm_tools "$ORDINAL_ROOT/tools" wasm_opt_ok
	log "  $(wasm-opt --version) ($(command -v wasm-opt))"
}

# Every devDependency of tests/e2e (playwright-core, axe-core) at its pinned version.
e2e_deps_ok() {
	(cd "$ORDINAL_ROOT/tests/e2e" && node -e '
		const want = require("./package.json").devDependencies;
		for (const [name, v] of Object.entries(want)) {
			if (require(name + "/package.json").version !== v) process.exit(1);
		}')
}
install_test_tools() {
	local chromium="${ORDINAL_CHROMIUM:-/usr/bin/chromium}"
	if [ ! -x "$chromium" ]; then
		[ -n "${ORDINAL_CHROMIUM:-}" ] && die "ORDINAL_CHROMIUM=$chromium is not an executable"
		log "  installing Debian's chromium"
		apt_install chromium fonts-dejavu-core
	fi
	log "  $("$chromium" --version 2>/dev/null || echo "$chromium")"
	# Chinese glyphs for the Chinese page's screenshots (tests/e2e/i18n.test.mjs):
	# without a CJK font they are empty boxes.
	if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
		log "  installing a CJK font (Debian's fonts-wqy-microhei)"
		apt_install fonts-wqy-microhei
	fi
	npm_tools "$ORDINAL_ROOT/tests/e2e" e2e_deps_ok
}

step "check rustup toolchain and node" check_base
if [ "$WANT_TEST" -eq 1 ]; then step "check rustfmt and clippy" check_components; fi
step "wasm32 toolchain" wasm_toolchain
step "fetch crates (Cargo.lock)" fetch_crates
step "trunk $TRUNK_VERSION" install_trunk
step "wasm-bindgen-cli (Cargo.lock version)" install_wasm_bindgen
step "wasm-opt (npm binaryen $BINARYEN_VERSION)" install_wasm_opt
if [ "$WANT_TEST" -eq 1 ]; then step "test tools (chromium, playwright-core)" install_test_tools; fi
log_time "setup done (wasm32 via $MODE)" "$SETUP_T0"
