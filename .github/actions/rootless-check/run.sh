#!/usr/bin/env bash
# The body of the rootless-check GitHub Action (action.yml at the repository root).
# Reads its inputs from INPUT_* variables, writes workflow annotations to stdout, the SARIF
# report to INPUT_SARIF_FILE, a Markdown summary to GITHUB_STEP_SUMMARY and the exit code to
# GITHUB_OUTPUT. It exits 0 itself, so that the SARIF upload step still runs; the action's
# last step fails with the recorded code.
set -uo pipefail

INPUT_PATHS="${INPUT_PATHS:-.}"
sarif="${INPUT_SARIF_FILE:-rootless-check.sarif}"
summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT

args=(--format github --sarif "$sarif" --markdown "$summary"
      --profile "${INPUT_PROFILE:-restricted}" --pss-version "${INPUT_PSS_VERSION:-latest}"
      --mesh "${INPUT_MESH:-auto}" --fail-on "${INPUT_FAIL_ON:-error}")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
# On pull requests, check what the pull request affects: the roots whose build reads a file it
# changed (against the merge base with the base branch).
changed="${INPUT_CHANGED_SINCE:-}"
if [ -z "$changed" ] && [ "${GITHUB_EVENT_NAME:-}" = "pull_request" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
  git fetch --quiet --no-tags origin \
    "+refs/heads/${GITHUB_BASE_REF}:refs/remotes/origin/${GITHUB_BASE_REF}" 2>/dev/null || true
  changed="origin/${GITHUB_BASE_REF}"
fi
if [ -n "$changed" ] && [ "$changed" != "none" ]; then
  args+=(--changed-since "$changed")
fi
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi
mapfile -t paths < <(printf '%s\n' $INPUT_PATHS | sed '/^$/d')

rootless-check "${paths[@]}" "${args[@]}"
code=$?

if [ -s "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
echo "rootless-check exited with $code"
exit 0
