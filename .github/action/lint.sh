#!/usr/bin/env bash
# The `sop` GitHub Action's lint step (action.yml): ONE `sop lint` run that prints the findings as
# annotations (errors first), writes SARIF when asked, and a Markdown summary that is appended to
# the job summary, so nothing is lost to GitHub's limit of 10 annotations per level and step.
#
# Inputs (environment): INPUT_WORKING_DIRECTORY (the folder to run in, relative to
# GITHUB_WORKSPACE; default `.`), INPUT_BASE (a git revision; empty: the pull request's base
# branch, or no base checks outside pull requests; `none`: no base checks), INPUT_PATHS (files
# or folders relative to the working directory, separated by spaces or lines; empty: every
# SOP), INPUT_SARIF (a file to write SARIF to, relative to the working directory, or empty),
# INPUT_FAIL_ON (`error`, `warning` or `never`), GITHUB_WORKSPACE, GITHUB_BASE_REF,
# GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP. `sop` must be on PATH.
# Outputs: result (`clean`, `warnings`, `errors`, or `not-checked` when sop could not run),
# errors, warnings (counts; empty when sop could not run), sarif (the SARIF file, relative to
# GITHUB_WORKSPACE, when written), exit-code.
set -euo pipefail

# A message as the data of a workflow command: `%`, CR and LF escaped, `%` first.
escape_data() {
  local s="$1"
  s="${s//'%'/%25}"
  s="${s//$'\r'/%0D}"
  s="${s//$'\n'/%0A}"
  printf '%s' "$s"
}

# "1 warning", "2 warnings".
count() {
  if [ "$1" -eq 1 ]; then printf '%s %s' "$1" "$2"; else printf '%s %ss' "$1" "$2"; fi
}

outputs="${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this as a GitHub Actions step}"
fail_on="${INPUT_FAIL_ON:-error}"
case "$fail_on" in
  error | warning | never) ;;
  *) echo "::error title=sop action::the input fail-on: '$fail_on' is not one of error, warning, never"; exit 2 ;;
esac
command -v sop >/dev/null 2>&1 || {
  echo "::error title=sop action::\`sop\` is not on PATH: the install step did not run, or \`install-only\` was used in another job"
  exit 2
}

workspace="${GITHUB_WORKSPACE:-.}"
cd "$workspace"
workspace="$(pwd -P)"
workdir="${INPUT_WORKING_DIRECTORY:-.}"
if ! [ -d "$workdir" ]; then
  echo "::error title=sop action::the input working-directory: '$(escape_data "$workdir")' is not a folder of the checked-out repository; give the folder that holds sop.toml (such as \`ops\`), relative to the repository root, or leave it out for the root"
  exit 2
fi
cd "$workdir"
case "$(pwd -P)/" in
  "$workspace/"*) ;;
  *)
    echo "::error title=sop action::the input working-directory: '$(escape_data "$workdir")' leads outside the checked-out repository; give a folder inside it, relative to the repository root"
    exit 2
    ;;
esac

tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
log="$(mktemp "$tmp/sop-lint.XXXXXX")"
errlog="$(mktemp "$tmp/sop-stderr.XXXXXX")"
summary="$(mktemp "$tmp/sop-summary.XXXXXX")"
trap 'rm -f "$log" "$errlog" "$summary"' EXIT

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

if [ "$workdir" = . ]; then echo "sop ${args[*]}"; else echo "(in $workdir) sop ${args[*]}"; fi
set +e
# sop names files from the git repository's root in annotations, SARIF and the summary, as
# GitHub reads them, also when the SOP repository is a folder of it.
sop "${args[@]}" 2>"$errlog" | tee "$log"
status="${PIPESTATUS[0]}"
set -e
cat "$errlog" >&2

step_summary() { if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat >>"$GITHUB_STEP_SUMMARY"; else cat >/dev/null; fi; }

if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  # 2: a usage, configuration or environment error; sop's message says why and how to fix it.
  {
    echo "result=not-checked"
    echo "errors="
    echo "warnings="
    echo "exit-code=$status"
  } >>"$outputs"
  said="$(cat "$errlog")"
  [ -n "$said" ] || said="sop printed no reason; run the same command locally to see it"
  echo "::error title=sop could not check the SOPs (exit $status)::$(escape_data "$said")"
  step_summary <<EOF
## sop lint

**sop could not check the SOPs** (exit $status), so nothing was checked:

$(printf '%s\n' "$said" | sed 's/^/    /')
EOF
  exit "$status"
fi

# Each finding is one workflow command on one line (line breaks in it are escaped).
errors="$(grep -c '^::error ' "$log" || true)"
warnings="$(grep -c '^::warning ' "$log" || true)"
result=clean
[ "$warnings" -eq 0 ] || result=warnings
[ "$errors" -eq 0 ] || result=errors
{
  echo "result=$result"
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "exit-code=$status"
  if [ -n "${INPUT_SARIF:-}" ] && [ -f "$INPUT_SARIF" ]; then
    case "$INPUT_SARIF" in
      /*) echo "sarif=$INPUT_SARIF" ;;
      *) if [ "$workdir" = . ]; then echo "sarif=$INPUT_SARIF"; else echo "sarif=${workdir%/}/$INPUT_SARIF"; fi ;;
    esac
  fi
} >>"$outputs"
if [ -s "$summary" ]; then
  step_summary <"$summary"
fi

# What sop left out (a path outside the SOP folder, a folder without SOPs, no SOP at all):
# its warnings go to the log only, where a green check would hide them.
unchecked=()
while IFS= read -r line; do
  case "$line" in warning:\ *) unchecked+=("${line#warning: }") ;; esac
done <"$errlog"
if grep -q '^sop lint: .* in 0 SOPs' "$log" && [ "${#unchecked[@]}" -eq 0 ]; then
  unchecked+=("no SOP was checked; check the \`paths\` and \`working-directory\` inputs")
fi
if [ "${#unchecked[@]}" -gt 0 ]; then
  for why in "${unchecked[@]}"; do
    echo "::warning title=sop lint checked less than asked::$(escape_data "$why")"
  done
  {
    echo
    echo "**Not checked:**"
    echo
    for why in "${unchecked[@]}"; do echo "- $why"; done
  } | step_summary
fi

failing=""
case "$fail_on" in
  error)
    [ "$errors" -eq 0 ] || failing="$(count "$errors" error), and \`fail-on: error\` fails on errors" ;;
  warning)
    if [ $((errors + warnings)) -gt 0 ]; then
      if [ "$errors" -eq 0 ]; then
        failing="$(count "$warnings" warning), and \`fail-on: warning\` fails on warnings"
      elif [ "$warnings" -eq 0 ]; then
        failing="$(count "$errors" error), and \`fail-on: warning\` fails on errors and warnings"
      else
        failing="$(count "$errors" error) and $(count "$warnings" warning), and \`fail-on: warning\` fails on both"
      fi
    fi ;;
  never) ;;
esac
if [ -n "$failing" ]; then
  echo "::error title=sop lint::failing this check: $failing (set \`fail-on\` to change what fails it)"
  printf '\n**Failing this check:** %s.\n' "$failing" | step_summary
  exit 1
fi
