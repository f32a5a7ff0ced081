#!/usr/bin/env bash
# Packs one release binary the way the `sop` action (action.yml, .github/action/install.sh) and
# cargo-binstall (Cargo.toml) download it: `sop-<target>.tar.gz` (`.zip` for Windows) holding
# the binary at its top level, plus `sop-<target>.tar.gz.sha256` in `sha256sum` format.
#
# Usage: package.sh TARGET BINARY OUT_DIR
#   e.g. package.sh x86_64-unknown-linux-gnu target/x86_64-unknown-linux-gnu/dist/sop dist/
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUT_DIR" >&2
  exit 2
fi
target="$1"
binary="$2"
out="$3"
[ -f "$binary" ] || { echo "error: the binary \`$binary\` does not exist: build it first with \`cargo build --locked --profile dist --target $target\`" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

case "$target" in
  *windows*)
    archive="sop-$target.zip"
    cp "$binary" "$stage/sop.exe"
    rm -f "$out/$archive"
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bd "$out/$archive" sop.exe >/dev/null)
    elif command -v zip >/dev/null 2>&1; then
      (cd "$stage" && zip -q "$out/$archive" sop.exe)
    else
      powershell -NoProfile -Command "Compress-Archive -LiteralPath '$stage/sop.exe' -DestinationPath '$out/$archive'"
    fi ;;
  *)
    archive="sop-$target.tar.gz"
    cp "$binary" "$stage/sop"
    chmod 755 "$stage/sop"
    tar -czf "$out/$archive" -C "$stage" sop ;;
esac

cd "$out"
if command -v sha256sum >/dev/null 2>&1; then
  sha256sum "$archive" >"$archive.sha256"
else
  shasum -a 256 "$archive" >"$archive.sha256"
fi
cat "$archive.sha256"
