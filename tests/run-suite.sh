#!/bin/bash
# run-suite.sh: run every test tier and summarise.
#   1. host unit tests:  make -C tests/unit check-unit  (if that target exists)
#   2. libctrl self-check: make -C libctrl check-libctrl
#   3. domxml (XML definitions): make -C tests/domxml check-domxml
#   4. tess CLI on the host: tests/cli/run-cli.sh
#   5. system tests:     tests/system/harness.py $HARNESS_ARGS
# Each tier prints "PASS: ..." / "FAIL: ..." lines; the last line of output is
# "N passed, N failed".  Exit 1 if anything failed or nothing ran.
# Run from the top build directory (make check does that).  Environment:
# TESS_HV, TESS_KERNEL, TESS_INITRD (see harness.py), PYTHON, HARNESS_ARGS.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# run_tier NAME DIR TARGET: make -C DIR TARGET; a build failure prints no
# FAIL line of its own, so one is added for it.
run_tier() {
    local rc=0
    make --no-print-directory -C "$2" "$3" 2>&1 | tee -a "$out" || rc=${PIPESTATUS[0]}
    if [[ $rc -ne 0 ]] && ! grep -q "^FAIL: $1/" "$out"; then
        echo "FAIL: $1/build: make $3 exited with status $rc" | tee -a "$out"
    fi
}

echo "=== unit tests"
if [[ -f tests/unit/Makefile ]] && make -C tests/unit -n check-unit >/dev/null 2>&1; then
    run_tier unit tests/unit check-unit
else
    echo "(tests/unit has no check-unit target yet; skipped)"
fi

echo "=== libctrl self-check"
if [[ -f libctrl/Makefile ]]; then
    run_tier libctrl libctrl check-libctrl
else
    echo "FAIL: libctrl/build: libctrl/Makefile missing (run configure)" | tee -a "$out"
fi

echo "=== domxml (domain definitions)"
if [[ -f tests/domxml/Makefile ]]; then
    run_tier domxml tests/domxml check-domxml
else
    echo "FAIL: domxml/build: tests/domxml/Makefile missing (run configure)" | tee -a "$out"
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
