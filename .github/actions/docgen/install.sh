#!/usr/bin/env bash
# Install kubeflow-devtools from the action's own checkout ($1), with the extras and packages
# of INPUT_INSTALL ("[docs] kubeflow-katib==0.19.0": extras in brackets, then packages).
set -euo pipefail
root="$1"
extras=""
packages=()
for word in ${INPUT_INSTALL:-}; do
  case "$word" in
    \[*\]) extras="$word" ;;
    *) packages+=("$word") ;;
  esac
done
python -m pip install --quiet "${root}${extras}" "${packages[@]}"
