#!/usr/bin/env bash
# Installs the pinned Python packages named as arguments (name==version) that are missing.
set -euo pipefail
PYTHON=${PYTHON:-python3}
missing=()
for spec in "$@"; do
  name=${spec%%==*}; want=${spec#*==}
  # `pip show` fails for a package that is not installed: that is "missing", not an error.
  have=$($PYTHON -m pip show "$name" 2>/dev/null | awk '/^Version:/ {print $2}' || true)
  if [ "$spec" = "$name" ]; then [ -n "$have" ] || missing+=("$spec"); else [ "$have" = "$want" ] || missing+=("$spec"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Python packages: ${missing[*]}"
$PYTHON -m pip install -q "${missing[@]}" 2>/dev/null || $PYTHON -m pip install -q --break-system-packages "${missing[@]}"
