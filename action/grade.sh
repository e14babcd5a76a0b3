#!/usr/bin/env bash
# The grading step of action.yml. Inputs arrive as INPUT_* environment variables (never pasted into the
# script, so nothing in them is run as code). Grades the server in $GITHUB_WORKSPACE/$INPUT_WORKING_DIRECTORY,
# writes JUnit, appends the Markdown summary to $GITHUB_STEP_SUMMARY, writes the outputs to $GITHUB_OUTPUT,
# and exits with wiregrade's code: 0 at or above the pass mark (fail-under), 1 below, 2 on a usage error.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
workspace="${GITHUB_WORKSPACE:-$PWD}"
scratch="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/wiregrade-action.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

if [ -z "${INPUT_CMD:-}" ]; then
  echo "wiregrade: the action needs the cmd input, the command that starts the server (e.g. python3 server.py {port})." >&2
  exit 2
fi

# No profile given: judge by the RFC only (any), and say so, in the log and on the summary page.
profile="${INPUT_PROFILE:-}"
notice=""
if [ -z "$profile" ]; then
  profile=any
  notice="profile: any (RFC 9110/9112 only); set the action's profile input to judge by an assignment's rules"
  echo "$notice" >&2
fi

args=(grade
  --cwd "$workspace/${INPUT_WORKING_DIRECTORY:-.}"
  --cmd "$INPUT_CMD"
  --profile "$profile"
  --runs "${INPUT_RUNS:-25}"
  --junit "${INPUT_JUNIT:-wiregrade-junit.xml}"
  --markdown "$scratch/summary.md"
  --gradescope "$scratch/results.json"
  --json "$scratch/grade.json"
  --scratch "$scratch"
  --no-color)
[ -n "${INPUT_PORT:-}" ] && args+=(--port "$INPUT_PORT")
[ -n "${INPUT_SEED:-}" ] && args+=(--seed "$INPUT_SEED")
[ -n "${INPUT_FAIL_UNDER:-}" ] && args+=(--fail-under "$INPUT_FAIL_UNDER")
[ -n "${INPUT_MAX_SCORE:-}" ] && args+=(--max-score "$INPUT_MAX_SCORE")
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi

code=0
node "$root/bin/wiregrade.js" "${args[@]}" || code=$?

if [ -s "$scratch/summary.md" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$scratch/summary.md" >> "$GITHUB_STEP_SUMMARY"
  if [ -n "$notice" ]; then printf '\n%s\n' "$notice" >> "$GITHUB_STEP_SUMMARY"; fi
fi
if [ -s "$scratch/results.json" ] && [ -n "${GITHUB_OUTPUT:-}" ]; then
  node "$here/outputs.mjs" "$scratch/results.json" "$scratch/grade.json" "$code" "${INPUT_MAX_SCORE:-}" >> "$GITHUB_OUTPUT" || code=2
fi
exit "$code"
