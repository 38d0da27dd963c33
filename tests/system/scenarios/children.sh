#!/bin/sh
# Scenario "children": load the dom0 control module, then run each test
# kernel in /guest as a child domain with tess-run and check how it ended,
# once on the default paging mode and once on shadow paging (child-<test>-shadow).
# Then: tess-run stopped by SIGINT (forever), tess-dmesg (the hypervisor log
# ring), an over-sized child that must fail with ENOMEM and leave the pool
# alone, tess-abi-check (the documented error of each bad argument) and
# tess-fuzz (random hypercalls). Prints TESSERA-TEST lines (module-load,
# child-<test>, tess-run-mismatch, runner-sigint, dmesg, enomem, abi-check,
# fuzz); exit 1 if any failed.
. /lib/tessera-lib.sh

failed=0
pass() { test_pass "$1"; }
fail() { test_fail "$1" "$2"; failed=1; }

# --- module-load -------------------------------------------------------------
if tessera_module_load; then
    pass module-load
else
    fail module-load "$tessera_module_error"
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
        case $name in
        spin)
            # Interrupts must have ended its runs: stats line intr=N, N > 0.
            intr=$(sed -n 's/^TESS-RUN: spin stats .* intr=\([0-9][0-9]*\) .*/\1/p' /tmp/run.out | head -n 1)
            if [ -z "$intr" ]; then
                fail "child-$name" "no 'TESS-RUN: spin stats ... intr=N' line"
            elif [ "$intr" -gt 0 ]; then
                pass "child-$name"
            else
                fail "child-$name" "intr=$intr: no physical interrupt ended a run"
            fi
            ;;
        cpl3_eperm)
            # The refused ring-3 console write must not have printed anything.
            if grep -q 'MUST NOT APPEAR' /tmp/run.out; then
                fail "child-$name" "a console write from CPL 3 reached the console"
            else
                pass "child-$name"
            fi
            ;;
        uart_io)
            # The line went out through COM1's THR, not the console hypercall.
            if grep -q '^\[uart_io\] uart_io: hello through COM1$' /tmp/run.out; then
                pass "child-$name"
            else
                fail "child-$name" "no '[uart_io] uart_io: hello through COM1' line"
            fi
            ;;
        *)
            pass "child-$name"
            ;;
        esac
    else
        # The first line saying what went wrong.
        why=$(grep -E 'FAIL|error' /tmp/run.out | head -n 1)
        fail "child-$name" "tess-run exited $rc: ${why:-$(tail -n 1 /tmp/run.out)}"
    fi
}

# run_kernels SUFFIX [tess-run options...]: every test kernel once.
run_kernels() {
    sfx=$1
    shift
    run_child "hello$sfx"            poweroff             hello "$@"
    run_child "boot_state$sfx"       poweroff             boot_state "$@"
    run_child "hc_eperm$sfx"         poweroff             hc_eperm "$@"
    run_child "cpuid$sfx"            poweroff             cpuid "$@"
    run_child "msr_gp$sfx"           poweroff             msr_gp "$@"
    run_child "hlt_timer$sfx"        poweroff             hlt_timer "$@"
    run_child "bad_gpa$sfx"          crashed:bad-gpa      bad_gpa "$@"
    run_child "triple_fault$sfx"     crashed:triple-fault triple_fault "$@"
    run_child "multi4$sfx"           poweroff             hello --count 4 "$@"
    run_child "spin$sfx"             poweroff             spin "$@"
    run_child "cpl3_eperm$sfx"       poweroff             cpl3_eperm "$@"
    run_child "apic_regs$sfx"        poweroff             apic_regs "$@"
    run_child "apic_timer$sfx"       poweroff             apic_timer "$@"
    run_child "apic_ipi$sfx"         poweroff             apic_ipi "$@"
    run_child "uart_irq$sfx"         poweroff             uart_irq "$@"
    run_child "pat$sfx"              poweroff             pat "$@"
    run_child "acpi_off$sfx"         poweroff             acpi_off "$@"
    run_child "uart_io$sfx"          poweroff             uart_io "$@"
    run_child "ports$sfx"            poweroff             ports "$@"
    run_child "kbd_reset$sfx"        reboot               kbd_reset "$@"
    run_child "pvpanic$sfx"          crashed:guest        pvpanic "$@"
    run_child "rtc$sfx"              poweroff             rtc "$@"
    run_child "power_button$sfx"     poweroff             power_button --power-button-after 1000,3000 "$@"
    run_child "paging$sfx"           poweroff             paging "$@"
}

# Every kernel on the default paging mode (nested paging when the CPU has
# it), then again as shadow-paging children (<hap state='off'/>'s path):
# they must behave the same. Without nested paging both passes are shadow.
run_kernels ""
run_kernels "-shadow" --paging shadow

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

# --- runner-sigint: Ctrl-C stops tess-run and its child ---------------------
# forever never ends by itself: SIGINT after 3 s must end the run with
# exit=interrupted, destroy the domain, exit 0 and leave the pool as it was.
if [ -x /bin/tess-run ] && [ -f /guest/forever.elf ]; then
    echo "--- tess-run --expect interrupted /guest/forever.elf (SIGINT after 3 s)"
    tess-run --expect interrupted /guest/forever.elf >/tmp/run.out 2>&1 &
    pid=$!
    sleep 3
    kill -INT $pid
    wait $pid
    rc=$?
    cat /tmp/run.out
    if [ $rc -ne 0 ]; then
        why=$(grep -E 'FAIL|error' /tmp/run.out | head -n 1)
        fail runner-sigint "tess-run exited $rc after SIGINT: ${why:-$(tail -n 1 /tmp/run.out)}"
    elif ! grep -q '^TESS-RUN: forever exit=interrupted$' /tmp/run.out; then
        fail runner-sigint "no 'TESS-RUN: forever exit=interrupted' line"
    elif ! grep -q '^TESS-RUN: forever destroyed domain [0-9]' /tmp/run.out; then
        fail runner-sigint "the child domain was not destroyed"
    elif ! grep -q '^TESS-RUN: pool back to baseline' /tmp/run.out; then
        fail runner-sigint "the pool is not back to its baseline"
    else
        pass runner-sigint
    fi
else
    fail runner-sigint "/bin/tess-run or /guest/forever.elf missing"
fi

# --- dmesg: the hypervisor log ring through TESS_HC_LOG_READ ------------------
# (before the fuzz, which may clear the ring with TESS_LOG_CLEAR)
if [ ! -x /bin/tess-dmesg ]; then
    fail dmesg "/bin/tess-dmesg missing from the initramfs"
elif ! tess-dmesg >/tmp/dmesg.out 2>&1; then
    fail dmesg "tess-dmesg failed: $(tail -n 1 /tmp/dmesg.out)"
else
    echo "--- tess-dmesg: $(wc -l </tmp/dmesg.out) lines; last 5:"
    tail -n 5 /tmp/dmesg.out
    if ! grep -q 'domain: created dom' /tmp/dmesg.out; then
        fail dmesg "no 'domain: created dom' in the hypervisor log ring"
    elif ! grep -q 'svm: CPU0 SVM enabled' /tmp/dmesg.out; then
        fail dmesg "no 'svm: CPU0 SVM enabled' in the hypervisor log ring"
    else
        pass dmesg
    fi
fi

# --- enomem: a child larger than the pool ------------------------------------
# tess-run must fail (exit 1) with the ENOMEM message, and the pool must be
# back at the free page count it printed before.
if [ -x /bin/tess-run ] && [ -f /guest/hello.elf ]; then
    echo "--- tess-run --mem 4096 --name enomem /guest/hello.elf (must fail: ENOMEM)"
    tess-run --mem 4096 --name enomem /guest/hello.elf >/tmp/run.out 2>&1
    rc=$?
    cat /tmp/run.out
    base=$(sed -n 's/.*; pool has \([0-9][0-9]*\) free pages$/\1/p' /tmp/run.out | head -n 1)
    back=$(sed -n 's/^TESS-RUN: pool back to baseline (\([0-9][0-9]*\) pages)$/\1/p' /tmp/run.out | head -n 1)
    if [ $rc -ne 1 ]; then
        fail enomem "tess-run exited $rc for a 4096 MiB child, expected 1"
    elif ! grep -q 'enomem error: domain_create: .*not enough free memory.*(ENOMEM)' /tmp/run.out; then
        fail enomem "no 'domain_create: ... not enough free memory ... (ENOMEM)' error"
    elif grep -q 'created domain' /tmp/run.out; then
        fail enomem "the 4096 MiB domain was created"
    elif [ -z "$base" ] || [ "$base" != "$back" ]; then
        fail enomem "free pages before '$base', after '$back'"
    else
        pass enomem
    fi
else
    fail enomem "/bin/tess-run or /guest/hello.elf missing"
fi

# --- abi-check: each bad argument gets the error docs/abi.md documents --------
if [ ! -x /bin/tess-abi-check ]; then
    fail abi-check "/bin/tess-abi-check missing from the initramfs"
else
    echo "--- tess-abi-check"
    tess-abi-check >/tmp/abi.out 2>&1
    rc=$?
    cat /tmp/abi.out
    if [ $rc -eq 0 ]; then
        pass abi-check
    else
        why=$(grep -E '^FAIL|error' /tmp/abi.out | head -n 3 | paste -sd ';' -)
        fail abi-check "tess-abi-check exited $rc: ${why:-$(tail -n 1 /tmp/abi.out)}"
    fi
fi

# --- fuzz: random hypercalls from dom0 ----------------------------------------
if [ ! -x /bin/tess-fuzz ]; then
    fail fuzz "/bin/tess-fuzz missing from the initramfs"
else
    echo "--- tess-fuzz --seed 1 --count 100000"
    t0=$(date +%s)
    tess-fuzz --seed 1 --count 100000 >/tmp/fuzz.out 2>&1
    rc=$?
    cat /tmp/fuzz.out
    echo "--- tess-fuzz took $(( $(date +%s) - t0 )) s"
    if [ $rc -eq 0 ] && grep -q '^TESS-FUZZ: PASS$' /tmp/fuzz.out; then
        pass fuzz
    else
        why=$(grep -E 'FAIL|error' /tmp/fuzz.out | head -n 1)
        fail fuzz "tess-fuzz exited $rc: ${why:-$(tail -n 1 /tmp/fuzz.out)}"
    fi
fi

exit $failed
