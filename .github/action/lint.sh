#!/usr/bin/env bash
# The `sop` GitHub Action's lint step (action.yml): ONE `sop lint` run that prints the findings as
# annotations (errors first), writes SARIF when asked, and a Markdown summary that is appended to
# the job summary, so nothing is lost to GitHub's limit of 10 annotations per level and step.
#
# Inputs (environment): INPUT_BASE (a git revision; empty: the pull request's base branch, or no
# base checks outside pull requests; `none`: no base checks), INPUT_PATHS (files or folders,
# separated by spaces or lines; empty: every SOP), INPUT_SARIF (a file to write SARIF to, or
# empty), INPUT_FAIL_ON (`error`, `warning` or `never`), GITHUB_WORKSPACE, GITHUB_BASE_REF,
# GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP. `sop` must be on PATH.
# Outputs: errors, warnings (counts), sarif (the SARIF file, when written), exit-code.
set -euo pipefail

fail_on="${INPUT_FAIL_ON:-error}"
case "$fail_on" in
  error | warning | never) ;;
  *) echo "::error title=sop action::the input fail-on: '$fail_on' is not one of error, warning, never"; exit 2 ;;
esac
command -v sop >/dev/null 2>&1 || {
  echo "::error title=sop action::\`sop\` is not on PATH: the install step did not run, or \`install-only\` was used in another job"
  exit 2
}

cd "${GITHUB_WORKSPACE:-.}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
log="$(mktemp "$tmp/sop-lint.XXXXXX")"
summary="$(mktemp "$tmp/sop-summary.XXXXXX")"

args=(lint --format github --summary-out "$summary")
base="${INPUT_BASE:-}"
if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
  base="origin/$GITHUB_BASE_REF"
fi
if [ -n "$base" ] && [ "$base" != none ]; then
  args+=(--base "$base")
fi
if [ -n "${INPUT_SARIF:-}" ]; then
  args+=(--sarif-out "$INPUT_SARIF")
fi
paths=()
if [ -n "${INPUT_PATHS:-}" ]; then
  # Split on spaces, tabs and lines: each word is one path.
  read -r -d '' -a paths <<<"$INPUT_PATHS" || true
fi
if [ "${#paths[@]}" -gt 0 ]; then
  args+=(-- "${paths[@]}")
fi

echo "sop ${args[*]}"
set +e
sop "${args[@]}" | tee "$log"
status="${PIPESTATUS[0]}"
set -e

# Each finding is one workflow command on one line (line breaks in it are escaped).
errors="$(grep -c '^::error ' "$log" || true)"
warnings="$(grep -c '^::warning ' "$log" || true)"
{
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "exit-code=$status"
  if [ -n "${INPUT_SARIF:-}" ] && [ -f "$INPUT_SARIF" ]; then echo "sarif=$INPUT_SARIF"; fi
} >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this as a GitHub Actions step}"
if [ -s "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >>"$GITHUB_STEP_SUMMARY"
fi
rm -f "$log" "$summary"

if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  # 2: a usage, configuration or environment error, explained in the log above.
  echo "::error title=sop lint::sop could not check the SOPs (exit $status); the message above says why and how to fix it"
  exit "$status"
fi
case "$fail_on" in
  error) [ "$errors" -eq 0 ] || exit 1 ;;
  warning) [ $((errors + warnings)) -eq 0 ] || exit 1 ;;
  never) ;;
esac
