#!/usr/bin/env bash
# The `sop` GitHub Action's fallback when no release binary fits the runner: builds `sop` with
# `cargo install --locked` into SOP_CARGO_ROOT (which the action caches, so only the first run
# of a version compiles) and puts it on $GITHUB_PATH.
#
# Inputs (environment): SOP_CARGO_VERSION (X.Y.Z), SOP_CARGO_ROOT, GITHUB_PATH, GITHUB_OUTPUT.
set -euo pipefail

fail() {
  echo "::error title=sop action::$1"
  exit 1
}

version="${SOP_CARGO_VERSION:?SOP_CARGO_VERSION is not set}"
root="${SOP_CARGO_ROOT:?SOP_CARGO_ROOT is not set}"
exe=sop
case "${RUNNER_OS:-}" in Windows) exe=sop.exe ;; esac

if [ -x "$root/bin/$exe" ] && [ "$("$root/bin/$exe" --version)" = "sop $version" ]; then
  echo "sop $version is in the cache: nothing to build."
else
  command -v cargo >/dev/null 2>&1 ||
    fail "there is no prebuilt sop for this runner and no \`cargo\` to build one. Add a step \`- uses: dtolnay/rust-toolchain@stable\` before this action, or run on ubuntu-latest, macos-latest or windows-latest."
  echo "Building sop $version with cargo (several minutes; the result is cached for the next runs)."
  cargo install --locked --root "$root" --version "$version" sop-cli ||
    fail "\`cargo install --locked sop-cli --version $version\` failed (see the log above). Pin a \`version\` that was published to crates.io."
fi
"$root/bin/$exe" --version
echo "$root/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set: run this as a GitHub Actions step}"
echo "sop=$root/bin/$exe" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
