#!/usr/bin/env bash
# Runs every suite — Swift unit tests, then the end-to-end tests against the built binary —
# and ends with one line counting what passed and failed across all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYDICOM_DATA="$(${PYTHON:-python3} -c 'import os, pydicom; print(os.path.join(os.path.dirname(pydicom.__file__), "data"))')"
mkdir -p .build
log_unit=.build/unit-tests.log
log_e2e=.build/e2e-tests.log

echo "== building"
if ! swift build --build-tests 2>&1 | tail -n 20; then echo "build failed"; fi
if [ ! -x .build/debug/swiftpacs ]; then echo "0 passed, 1 failed"; exit 1; fi

echo "== Swift unit tests"
swift test --skip-build 2>&1 | tee "$log_unit" | grep -E '^(✘|✔ Suite|✔ Test run|.*error:)' | grep -v '^✔ Test [^r]' || true
# Swift Testing's closing line gives the total; failed tests are the "✘ Test x() failed" lines
# (searched anywhere in a line: parallel tests interleave their output).
unit_total=$(grep -oE 'Test run with [0-9]+ tests?' "$log_unit" | tail -1 | grep -oE '[0-9]+' || echo 0)
unit_fail=$(grep -oE '✘ Test [^ ]+\(.*\) failed after' "$log_unit" | grep -v 'Test run' | sort -u | wc -l)
unit_pass=$((unit_total - unit_fail))
if ! grep -qE 'Test run with [0-9]+ tests? .*(passed|failed)' "$log_unit"; then unit_fail=$((unit_fail + 1)); echo "swift test did not finish"; fi

echo "== end-to-end tests"
SWIFTPACS_BIN="$PWD/.build/debug/swiftpacs" ${PYTHON:-python3} -m pytest -q -p no:cacheprovider Tests/e2e 2>&1 | tee "$log_e2e" | tail -n 30
e2e_pass=$(grep -oE '[0-9]+ passed' "$log_e2e" | tail -1 | grep -oE '[0-9]+' || echo 0)
e2e_fail=$(grep -oE '[0-9]+ (failed|error)' "$log_e2e" | awk '{s+=$1} END {print s+0}')

pass=$((unit_pass + e2e_pass)); fail=$((unit_fail + e2e_fail))
echo
echo "swift: $unit_pass passed, $unit_fail failed; e2e: $e2e_pass passed, $e2e_fail failed"
echo "total: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
