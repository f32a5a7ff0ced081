#!/usr/bin/env bash
# Installs `sop` for the `sop` GitHub Action (action.yml): downloads the release archive for this
# runner, verifies its SHA-256 checksum, unpacks the binary into $RUNNER_TEMP and puts it on
# $GITHUB_PATH. When no release binary is built for the runner's system, it says so in the
# `fallback` output, and the action builds `sop` with `cargo install --locked` instead. A
# version without a release, or a download that fails, stops the step with the reason.
#
# Inputs (environment): INPUT_VERSION (`latest` or X.Y.Z, a leading `v` is allowed),
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT, GITHUB_ACTION_PATH.
# SOP_RELEASE_BASE_URL replaces `https://github.com/<owner>/<name>/releases` (a mirror, or a
# file:// folder in tests); SOP_TARGET names the target instead of guessing it from the runner.
# Outputs: target, version, fallback (`true`/`false`), cargo-version, sop (the binary's path).
set -euo pipefail

fail() {
  # A workflow command, so the reason shows as an annotation on the run.
  echo "::error title=sop action::$1"
  exit 1
}

output() { echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this as a GitHub Actions step}"; }

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
version="${INPUT_VERSION:-latest}"
version="${version#v}"
[ -n "$version" ] || version=latest
if [ "$version" != latest ] && ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
  fail "the input version: '$version' is not a version; write \`latest\` or one like \`1.2.0\`"
fi

# The version `cargo install` builds when no binary fits: the one asked for, or for `latest` the
# version of this action's own Cargo.toml (the action and the binary come from the same release).
cargo_version="$version"
if [ "$version" = latest ]; then
  cargo_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)"
fi
output cargo-version "$cargo_version"
output version "$version"

# The repository of `sop` is written in one place, `repository` in Cargo.toml.
repository="$(sed -n 's|^repository = "https://github.com/\(.*\)"$|\1|p' "$action_path/Cargo.toml" | head -n 1)"
base="${SOP_RELEASE_BASE_URL:-https://github.com/$repository/releases}"
base="${base%/}"

target="${SOP_TARGET:-}"
# A target names a folder that is emptied below: only a target triple is taken.
if [ -n "$target" ] && ! [[ "$target" =~ ^[a-z0-9_]+(-[a-z0-9_]+){2,3}$ ]]; then
  echo "::error title=sop::SOP_TARGET='$target' is not a Rust target such as x86_64-unknown-linux-gnu; set it to one, or leave it unset to use the runner's."
  exit 1
fi
if [ -z "$target" ]; then
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64)
      # A static musl binary runs in any container; the glibc one on the usual runners.
      if [ -e /lib/ld-musl-x86_64.so.1 ]; then target=x86_64-unknown-linux-musl; else target=x86_64-unknown-linux-gnu; fi ;;
    Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    *) target="" ;;
  esac
fi
if [ -z "$target" ]; then
  echo "No prebuilt sop for a ${RUNNER_OS:-unknown} ${RUNNER_ARCH:-unknown} runner: building it with cargo instead."
  output fallback true
  exit 0
fi
output target "$target"

# The names cargo-dist gives the release archives (.github/workflows/release.yml, made by
# `dist generate` from dist-workspace.toml): `sop-cli-<target>.tar.xz` holding the binary in a
# `sop-cli-<target>/` folder, or `sop-cli-<target>.zip` holding it at the top for Windows; each
# with `<archive>.sha256` beside it.
case "$target" in
  *windows*) archive="sop-cli-$target.zip"; exe=sop.exe ;;
  *) archive="sop-cli-$target.tar.xz"; exe=sop ;;
esac
if [ "$version" = latest ]; then
  url="$base/latest/download/$archive"
else
  url="$base/download/v$version/$archive"
fi

dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/sop-$version-$target"
rm -rf "$dir"
mkdir -p "$dir/bin"
echo "Downloading $url"
# --fail: a missing archive (HTTP 404, or no such file) is not saved as if it were one.
set +e
http="$(curl --fail --silent --show-error --location --retry 3 --write-out '%{http_code}' \
  --output "$dir/$archive" "$url" 2>"$dir/curl.err")"
got=$?
set -e
if [ "$got" -ne 0 ]; then
  said="$(tr '\n' ' ' <"$dir/curl.err")"
  said="${said% }"
  cat "$dir/curl.err" >&2
  # No such file: HTTP 404 (curl exit 22, an HTTP error), or a file:// URL's missing file (37).
  # Any other failure (no network, a timeout, a server error) says nothing about the release.
  if { [ "$got" -eq 22 ] && [ "$http" = 404 ]; } || [ "$got" -eq 37 ]; then
    if [ "$version" = latest ]; then
      fail "the latest sop release has no $archive for this runner ($target; $url: ${said:-not found}). Pin a \`version\` that has it; the releases and their files are listed at $base."
    fi
    fail "sop $version has no release: there is no $archive at $url (${said:-not found}). Check the \`version\` input: write \`latest\` or a version listed at $base."
  fi
  fail "could not download $url (curl exit $got${said:+: $said}). This is a network or server problem, not a missing release: run the job again; if it keeps failing, check that the runner can reach $base."
fi
if ! curl --fail --silent --show-error --location --retry 3 --output "$dir/$archive.sha256" "$url.sha256"; then
  fail "the release has $archive but not its checksum $archive.sha256 ($url.sha256), so the download cannot be verified; nothing was installed. Pin another \`version\`, or report it to the sop project."
fi

expected="$(awk 'NR == 1 { print tolower($1) }' "$dir/$archive.sha256")"
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$dir/$archive" | awk '{ print tolower($1) }')"
else
  actual="$(shasum -a 256 "$dir/$archive" | awk '{ print tolower($1) }')"
fi
if [ "$expected" != "$actual" ]; then
  rm -f "$dir/$archive"
  fail "checksum mismatch for $archive: its SHA-256 is $actual, but $archive.sha256 says ${expected:-nothing}. The download is damaged or was tampered with, so it was deleted and nothing was installed. Run the job again; if it fails again, pin another \`version\` and report it to the sop project."
fi
echo "Checksum verified: $actual  $archive"

# Unpacked beside bin/, which then gets the binary alone (the archives also hold the README).
unpacked="$dir/unpacked"
mkdir -p "$unpacked"
case "$archive" in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q -o "$dir/$archive" -d "$unpacked"
    else
      powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$dir/$archive' -DestinationPath '$unpacked'"
    fi ;;
  *)
    # GNU tar runs `xz` for -J; the BSD tar of macOS unpacks xz itself.
    if ! tar -xJf "$dir/$archive" -C "$unpacked"; then
      fail "could not unpack $archive (an xz-compressed tar archive); nothing was installed. If the message above says xz is missing, install it in a step before this one (Debian and Ubuntu: \`apt-get install xz-utils\`; Alpine: \`apk add xz\`)."
    fi ;;
esac
found=""
for candidate in "$unpacked/sop-cli-$target/$exe" "$unpacked/$exe"; do
  if [ -f "$candidate" ]; then found="$candidate"; break; fi
done
[ -n "$found" ] || fail "$archive holds no \`$exe\` (looked for sop-cli-$target/$exe and $exe); nothing was installed. Pin another \`version\`, or report it to the sop project."
mv "$found" "$dir/bin/$exe"
rm -rf "$unpacked"
chmod +x "$dir/bin/$exe"
"$dir/bin/$exe" --version
echo "$dir/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set: run this as a GitHub Actions step}"
output fallback false
output sop "$dir/bin/$exe"
