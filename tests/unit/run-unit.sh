#!/bin/bash
# run-unit.sh DIR PROGRAM...: run each host unit-test program in DIR.
# Programs print "PASS: unit/..." / "FAIL: unit/..." lines themselves; exit
# status 0 means every case passed, 2 that some failed. Any other status
# (crash, sanitizer abort outside a case) or a program that reports no case
# at all gets a FAIL line naming the program. Exits 1 if anything failed.
set -u

dir=${1:?usage: run-unit.sh DIR PROGRAM...}
shift
status=0
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for prog in "$@"; do
    name=${prog#test_}
    if [[ ! -x "$dir/$prog" ]]; then
        echo "FAIL: unit/$name: program $prog was not built"
        failed=$((failed + 1))
        status=1
        continue
    fi
    "$dir/$prog" >"$out"
    rc=$?
    cat "$out"
    p=$(grep -c '^PASS: ' "$out")
    f=$(grep -c '^FAIL: ' "$out")
    passed=$((passed + p))
    failed=$((failed + f))
    if [[ $rc -ne 0 && $rc -ne 2 ]]; then
        if [[ $rc -gt 128 ]]; then
            why="killed by signal $((rc - 128))"
        else
            why="exited with status $rc"
        fi
        echo "FAIL: unit/$name: program $prog crashed ($why)"
        failed=$((failed + 1))
        status=1
    elif [[ $rc -eq 2 && $f -eq 0 ]]; then
        echo "FAIL: unit/$name: program $prog reported failure without a FAIL line"
        failed=$((failed + 1))
        status=1
    elif [[ $rc -ne 0 ]]; then
        status=1
    elif [[ $p -eq 0 ]]; then
        echo "FAIL: unit/$name: program $prog ran no test case"
        failed=$((failed + 1))
        status=1
    fi
done
echo "unit tests: $passed passed, $failed failed"
exit $status
