#!/bin/sh
# Scenario "children": load the dom0 control module, then run each test
# kernel in /guest as a child domain with tess-run and check how it ended.
# Prints TESSERA-TEST lines (module-load, child-<test>); exit 1 if any failed.
. /lib/tessera-lib.sh

failed=0
pass() { test_pass "$1"; }
fail() { test_fail "$1" "$2"; failed=1; }

# --- module-load -------------------------------------------------------------
if [ ! -f /lib/modules/tessera.ko ]; then
    fail module-load "/lib/modules/tessera.ko missing from the initramfs"
elif ! insmod /lib/modules/tessera.ko 2>/tmp/insmod.err; then
    fail module-load "insmod failed: $(cat /tmp/insmod.err); $(dmesg | grep tessera | tail -n 2)"
else
    # devtmpfs creates the node; give it a moment.
    n=0
    while [ ! -c /dev/tessera ] && [ $n -lt 20 ]; do sleep 0.1; n=$((n + 1)); done
    if [ -c /dev/tessera ]; then
        pass module-load
    else
        fail module-load "/dev/tessera did not appear after insmod"
    fi
fi

# run_child TEST-NAME EXPECT KERNEL [tess-run options...]
# Runs tess-run, copies its output to the console and reports child-TEST-NAME.
run_child() {
    name=$1 expect=$2 kernel=/guest/$3.elf
    shift 3
    if [ ! -f "$kernel" ]; then
        fail "child-$name" "$kernel missing from the initramfs"
        return
    fi
    if [ ! -x /bin/tess-run ]; then
        fail "child-$name" "/bin/tess-run missing from the initramfs"
        return
    fi
    echo "--- tess-run $* --expect $expect $kernel"
    tess-run "$@" --expect "$expect" "$kernel" >/tmp/run.out 2>&1
    rc=$?
    cat /tmp/run.out
    if [ $rc -eq 0 ]; then
        pass "child-$name"
    else
        # The first line saying what went wrong.
        why=$(grep -E 'FAIL|error' /tmp/run.out | head -n 1)
        fail "child-$name" "tess-run exited $rc: ${why:-$(tail -n 1 /tmp/run.out)}"
    fi
}

run_child hello        poweroff             hello
run_child boot_state   poweroff             boot_state
run_child hc_eperm     poweroff             hc_eperm
run_child cpuid        poweroff             cpuid
run_child msr_gp       poweroff             msr_gp
run_child hlt_timer    poweroff             hlt_timer
run_child bad_gpa      crashed:bad-gpa      bad_gpa
run_child triple_fault crashed:triple-fault triple_fault
run_child multi4       poweroff             hello --count 4

# --- tess-run must notice an exit other than the expected one ----------------
if [ -x /bin/tess-run ] && [ -f /guest/hello.elf ]; then
    tess-run --name mismatch --expect crashed:bad-gpa /guest/hello.elf >/tmp/run.out 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q 'exit=poweroff, expected crashed:bad-gpa' /tmp/run.out; then
        pass tess-run-mismatch
    else
        cat /tmp/run.out
        fail tess-run-mismatch "tess-run exited $rc for hello with --expect crashed:bad-gpa"
    fi
else
    fail tess-run-mismatch "/bin/tess-run or /guest/hello.elf missing"
fi

exit $failed
