#!/bin/bash
# run-suite.sh: run every test tier and summarise.
#   1. host unit tests:  make -C tests/unit check-unit  (if that target exists)
#   2. libctrl self-check: make -C libctrl check-libctrl
#   3. tess CLI on the host: tests/cli/run-cli.sh
#   4. system tests:     tests/system/harness.py $HARNESS_ARGS
# Each tier prints "PASS: ..." / "FAIL: ..." lines; the last line of output is
# "N passed, N failed".  Exit 1 if anything failed or nothing ran.
# Run from the top build directory (make check does that).  Environment:
# TESS_HV, TESS_KERNEL, TESS_INITRD (see harness.py), PYTHON, HARNESS_ARGS.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "=== unit tests"
if [[ -f tests/unit/Makefile ]] && make -C tests/unit -n check-unit >/dev/null 2>&1; then
    unit_rc=0
    make --no-print-directory -C tests/unit check-unit 2>&1 | tee -a "$out" \
        || unit_rc=${PIPESTATUS[0]}
    # A build failure prints no FAIL line of its own: count it.
    if [[ $unit_rc -ne 0 ]] && ! grep -q '^FAIL: unit/' "$out"; then
        echo "FAIL: unit/build: make check-unit exited with status $unit_rc" | tee -a "$out"
    fi
else
    echo "(tests/unit has no check-unit target yet; skipped)"
fi

echo "=== libctrl self-check"
if [[ -f libctrl/Makefile ]]; then
    libctrl_rc=0
    make --no-print-directory -C libctrl check-libctrl 2>&1 | tee -a "$out" \
        || libctrl_rc=${PIPESTATUS[0]}
    # A build failure (or a crash) prints no FAIL line of its own: count it.
    if [[ $libctrl_rc -ne 0 ]] && ! grep -q '^FAIL: libctrl/' "$out"; then
        echo "FAIL: libctrl/build: make check-libctrl exited with status $libctrl_rc" | tee -a "$out"
    fi
else
    echo "FAIL: libctrl/build: libctrl/Makefile missing (run configure)" | tee -a "$out"
fi

echo "=== tess CLI (host: help, examples, broken definitions, man pages, completion)"
cli_rc=0
bash "$src/tests/cli/run-cli.sh" dom0-tools/tess/tess "$src" 2>&1 | tee -a "$out" \
    || cli_rc=${PIPESTATUS[0]}
if [[ $cli_rc -ne 0 ]] && ! grep -q '^FAIL: cli/' "$out"; then
    echo "FAIL: cli/run: run-cli.sh exited with status $cli_rc" | tee -a "$out"
fi

echo "=== system tests"
mkdir -p tests/system/logs
# shellcheck disable=SC2086
harness_rc=0
"$python" "$src/tests/system/harness.py" --log-dir tests/system/logs ${HARNESS_ARGS:-} 2>&1 \
    | tee -a "$out" || harness_rc=${PIPESTATUS[0]}
if [[ $harness_rc -ne 0 ]] && ! grep -q '^FAIL: ' "$out"; then
    echo "FAIL: system/harness: harness.py exited with status $harness_rc" | tee -a "$out"
fi

passed=$(grep -c '^PASS: ' "$out" || true)
failed=$(grep -c '^FAIL: ' "$out" || true)
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
