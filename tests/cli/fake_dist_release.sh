#!/usr/bin/env bash
# Packs one binary the way cargo-dist packs a release archive (.github/workflows/release.yml,
# configured in dist-workspace.toml), for the action's tests (tests/cli/action.rs), which need
# neither cargo-dist nor a `dist` build:
#   sop-cli-<target>.tar.xz         a `sop-cli-<target>/` folder holding `sop` and README.md
#   sop-cli-<target>.zip            (Windows) `sop.exe` and README.md at the top
#   sop-cli-<target>.<ext>.sha256   `<sha256> *<archive>`, as `sha256sum --binary` writes it
# The names, folders and checksum lines are cargo-dist's; only the compression level differs
# (xz -0, so that packing a large debug binary takes seconds, not minutes).
#
# Usage: fake_dist_release.sh TARGET BINARY OUT_DIR
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUT_DIR" >&2
  exit 2
fi
target="$1"
binary="$2"
out="$3"
[ -f "$binary" ] || { echo "error: the binary \`$binary\` does not exist" >&2; exit 1; }
readme="$(cd "$(dirname "$0")/../.." && pwd)/README.md"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

name="sop-cli-$target"
case "$target" in
  *windows*)
    archive="$name.zip"
    cp "$binary" "$stage/sop.exe"
    cp "$readme" "$stage/README.md"
    rm -f "$out/$archive"
    (cd "$stage" && zip -q "$out/$archive" sop.exe README.md) ;;
  *)
    archive="$name.tar.xz"
    command -v xz >/dev/null 2>&1 || { echo "error: packing $archive needs the \`xz\` command (Debian and Ubuntu: apt-get install xz-utils)" >&2; exit 1; }
    mkdir "$stage/$name"
    cp "$binary" "$stage/$name/sop"
    chmod 755 "$stage/$name/sop"
    cp "$readme" "$stage/$name/README.md"
    tar -cf - -C "$stage" "$name" | xz -0 -T0 >"$out/$archive" ;;
esac

cd "$out"
if command -v sha256sum >/dev/null 2>&1; then
  sha256sum --binary "$archive" >"$archive.sha256"
else
  shasum -a 256 --binary "$archive" >"$archive.sha256"
fi
cat "$archive.sha256"
