#!/usr/bin/env bash
# The body of the docgen GitHub Action (.github/actions/docgen/action.yml).
# Runs `docgen lint` twice (workflow annotations on stdout, then the SARIF report to
# INPUT_SARIF_FILE; linting is static and takes about a second), then, when INPUT_WEBSITE is
# set, `docgen publish --check`. Writes the worst exit code to GITHUB_OUTPUT and exits 0
# itself, so that the SARIF upload still runs; the action's last step fails with the code.
set -uo pipefail

sarif="${INPUT_SARIF_FILE:-docgen-lint.sarif}"
read -r -a lint_args <<< "${INPUT_LINT_ARGS:-}"
[ -n "${INPUT_BASELINE:-}" ] && lint_args+=(--baseline "$INPUT_BASELINE")

docgen lint "${lint_args[@]}" --format github
code=$?
if [ "$code" -ne 2 ]; then
  docgen lint "${lint_args[@]}" --format sarif --output "$sarif" > /dev/null
fi

if [ -n "${INPUT_WEBSITE:-}" ]; then
  read -r -a publish_args <<< "${INPUT_PUBLISH_ARGS:-}"
  docgen publish --check --website "$INPUT_WEBSITE" "${publish_args[@]}"
  published=$?
  if [ "$published" -gt "$code" ]; then
    code=$published
  fi
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi
echo "docgen exited with $code"
exit 0
