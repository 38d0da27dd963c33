#!/bin/sh
# Scenario "linux": Debian's own kernel as a child domain (issue 4), driven
# through tess-boot the way a user would: its console is typed into
# through a FIFO on tess-boot's stdin and read from tess-boot's stdout.
#   linux-1vcpu    1 vCPU: shell, cpus=1 memory_mib=256, a typed command
#                  answered, the console log kept, `poweroff` -> poweroff
#   linux-2vcpu    2 vCPUs: cpus=2, both CPUs online and taking timer
#                  interrupts, `poweroff` -> poweroff
#   linux-power-button
#                  dom0 presses the child's ACPI power button
#                  (tess shutdown NAME): acpid in the child runs
#                  poweroff and it ends with exit=poweroff, nothing typed;
#                  a press for a domain that is gone is refused
#   linux-panic    a child that panics (sysrq c) ends as crashed:guest
#                  while another child keeps running and answering; that
#                  one's `reboot` -> reboot
#   linux-three    three children at once all power off; the pool is back
#                  to its baseline after the last one is destroyed
# tessera.linux_paging=hap|shadow on dom0's command line: the children's
# paging mode (tess-boot --paging; default: the hypervisor's default).
# Every wait is bounded; a failure prints the child's output tail.
. /lib/tessera-lib.sh

failed=0
pass() { test_pass "$1"; }
fail() { test_fail "$1" "$2"; failed=1; }

KERNEL=/guest/linux/vmlinuz
INITRD=/guest/linux/initrd.img
PAGING=$(cmdline_get tessera.linux_paging || true)
PAGING=${PAGING:-hap}
BOOT_WAIT=240       # seconds for a child to reach its shell under TCG
REPLY_WAIT=60
END_WAIT=300
PRESS_WAIT=120      # seconds from a power-button press to the child's end

# wait_for FILE REGEX SECONDS: 0 as soon as FILE has a line matching REGEX.
wait_for() {
    n=0
    while [ $n -lt "$3" ]; do
        grep -q -e "$2" "$1" 2>/dev/null && return 0
        sleep 1
        n=$((n + 1))
    done
    grep -q -e "$2" "$1" 2>/dev/null
}

# wait_pid PID SECONDS: 0 when PID has ended (its status is then in $wait_rc).
wait_pid() {
    n=0
    while kill -0 "$1" 2>/dev/null; do
        if [ $n -ge "$2" ]; then
            return 1
        fi
        sleep 1
        n=$((n + 1))
    done
    wait "$1"
    wait_rc=$?
    return 0
}

# start NAME VCPUS [CMDLINE]: tess-boot in the background, its stdin a FIFO
# we type into (hold keeps it open between lines), its output a file.
start() {
    rm -f "/tmp/$1.in" "/tmp/$1.out"
    mkfifo "/tmp/$1.in"
    tess-boot --name "$1" --vcpus "$2" --paging "$PAGING" --timeout 900 \
        --cmdline "nokaslr ${3:-}" \
        "$KERNEL" "$INITRD" <"/tmp/$1.in" >"/tmp/$1.out" 2>&1 &
    eval "pid_$1=$!"
}

# type_into NAME TEXT: one line typed on the child's console.
type_into() {
    printf '%s\n' "$2" >>"/tmp/$1.in"
}

# The pool's free pages now (tess host-info).
free_pages() {
    b=$(tess host-info --json | sed -n 's/.*"free_bytes": \([0-9]*\).*/\1/p')
    [ -n "$b" ] && echo $((b / 4096))
}

show_tail() {
    echo "--- last lines of $1's console (tess-boot output):"
    tail -n 25 "/tmp/$1.out"
}

# finish NAME EXIT [SECONDS]: wait (END_WAIT by default) for tess-boot NAME,
# check its exit=; 0 if right.
finish() {
    eval "p=\$pid_$1"
    if ! wait_pid "$p" "${3:-$END_WAIT}"; then
        kill -INT "$p" 2>/dev/null
        wait_pid "$p" 30
        why="tess-boot did not end within ${3:-$END_WAIT}s"
        return 1
    fi
    if ! grep -q "^TESS-BOOT: $1 exit=$2\$" "/tmp/$1.out"; then
        why="$(grep "^TESS-BOOT: $1 exit=" "/tmp/$1.out" || echo 'no exit line'), expected exit=$2"
        return 1
    fi
    if ! grep -q "^TESS-BOOT: $1 destroyed domain" "/tmp/$1.out"; then
        why="domain not destroyed"
        return 1
    fi
    return 0
}

if ! tessera_module_load; then
    fail linux-setup "$tessera_module_error"
    exit 1
fi
for f in "$KERNEL" "$INITRD" /bin/tess-boot; do
    if [ ! -e "$f" ]; then
        fail linux-setup "$f missing from the initramfs"
        exit 1
    fi
done

# stop NAME...: make sure each tess-boot has ended (SIGINT if still running),
# so the next test starts with its memory back in the pool.
stop() {
    for s in "$@"; do
        eval "p=\$pid_$s"
        kill -INT "$p" 2>/dev/null
        wait_pid "$p" 60 || kill -KILL "$p" 2>/dev/null
    done
}

# A holder keeps each FIFO open for writing, so the child's stdin does not
# see EOF between two typed lines (opened in the order the readers start).
hold() { sleep 100000 >"/tmp/$1.in" & eval "hold_$1=$!"; }
unhold() { eval "kill \$hold_$1" 2>/dev/null; }

# to_shell NAME VCPUS TEST: start NAME and wait for its shell; fail TEST
# (returning 1) if none comes or the banner has the wrong CPU count or memory.
to_shell() {
    start "$1" "$2"
    hold "$1"
    if ! wait_for "/tmp/$1.out" 'TESSERA-GUEST: shell' "$BOOT_WAIT"; then
        show_tail "$1"
        fail "$3" "no shell within ${BOOT_WAIT}s"
        return 1
    fi
    if ! grep -q "TESSERA-GUEST: cpus=$2 memory_mib=256" "/tmp/$1.out"; then
        show_tail "$1"
        fail "$3" "banner: $(grep -o 'TESSERA-GUEST: cpus=[^ ]* memory_mib=[0-9]*' "/tmp/$1.out")"
        return 1
    fi
    sleep 2   # the shell's prompt
}

# --- linux-1vcpu -------------------------------------------------------------
if to_shell l1 1 linux-1vcpu; then
    type_into l1 'echo $((6*7))-typed-into-l1'
    if ! wait_for /tmp/l1.out '^42-typed-into-l1' "$REPLY_WAIT"; then
        show_tail l1
        fail linux-1vcpu "no answer to a command typed on the console"
    elif ! grep -q 'TESSERA-GUEST: cpus=1' /var/log/tessera/l1.log 2>/dev/null; then
        fail linux-1vcpu "console log /var/log/tessera/l1.log lacks the guest's banner"
    else
        type_into l1 'poweroff'
        if finish l1 poweroff; then
            if grep -q '^TESS-BOOT: pool back to baseline' /tmp/l1.out; then
                pass linux-1vcpu
            else
                fail linux-1vcpu "$(grep '^TESS-BOOT: pool' /tmp/l1.out)"
            fi
        else
            show_tail l1
            fail linux-1vcpu "after poweroff: $why"
        fi
    fi
fi
unhold l1
stop l1
baseline=$(sed -n 's/^TESS-BOOT: pool back to baseline (\([0-9]*\) pages)$/\1/p' /tmp/l1.out)

# --- linux-2vcpu -------------------------------------------------------------
if to_shell l2 2 linux-2vcpu; then
    # Both CPUs take interrupts (IPIs and timers reach vCPU 1).
    type_into l2 'echo online=$(cat /sys/devices/system/cpu/online) cpu1-irqs=$(awk '"'"'/LOC:/ {print ($3 > 0)}'"'"' /proc/interrupts)'
    if ! wait_for /tmp/l2.out '^online=0-1 cpu1-irqs=1' "$REPLY_WAIT"; then
        show_tail l2
        fail linux-2vcpu "vCPU 1 not online or without local timer interrupts"
    else
        type_into l2 'poweroff'
        if finish l2 poweroff; then
            pass linux-2vcpu
        else
            show_tail l2
            fail linux-2vcpu "after poweroff: $why"
        fi
    fi
fi
unhold l2
stop l2

# --- linux-power-button ---------------------------------------------------------
# First make sure the guest can hear the button: acpid runs and the SCI
# (IRQ 9) has its handler. Then press it from dom0 and type nothing more.
if to_shell pb 1 linux-power-button; then
    type_into pb 'echo acpid=$(pidof acpid) sci=$(grep -c " acpi$" /proc/interrupts)'
    if ! wait_for /tmp/pb.out '^acpid=[0-9][0-9]* sci=1' "$REPLY_WAIT"; then
        show_tail pb
        fail linux-power-button "acpid not running or no ACPI SCI handler in the child"
    elif ! t0=$(date +%s) || ! tess shutdown pb >/tmp/pb.press 2>&1; then
        cat /tmp/pb.press
        fail linux-power-button "tess shutdown pb: $(tail -n 1 /tmp/pb.press)"
    elif ! finish pb poweroff "$PRESS_WAIT"; then
        show_tail pb
        fail linux-power-button "after the press: $why"
    elif ! grep -q 'TESSERA-GUEST: power button pressed: powering off' /tmp/pb.out; then
        show_tail pb
        fail linux-power-button "powered off, but not through acpid's power-button action"
    elif tess shutdown pb >/tmp/pb.press 2>&1; then
        fail linux-power-button "tess shutdown of the destroyed child was accepted"
    else
        echo "--- pb ended $(( $(date +%s) - t0 )) s after the press; its console:"
        grep -E 'SCI|Power Button|acpid|power button|Power down|exit=' /tmp/pb.out
        cat /tmp/pb.press
        pass linux-power-button
    fi
fi
unhold pb
stop pb

# --- linux-panic ---------------------------------------------------------------
start calm 1
hold calm
start crash 1
hold crash
if ! wait_for /tmp/calm.out 'TESSERA-GUEST: shell' "$BOOT_WAIT" ||
   ! wait_for /tmp/crash.out 'TESSERA-GUEST: shell' "$BOOT_WAIT"; then
    show_tail calm
    show_tail crash
    fail linux-panic "the two children did not both reach their shells"
else
    sleep 2
    type_into crash 'echo c > /proc/sysrq-trigger'
    if ! finish crash 'crashed:guest'; then
        show_tail crash
        fail linux-panic "the panicking child: $why"
    else
        type_into calm 'echo still-$((40+2))-alive'
        if ! wait_for /tmp/calm.out '^still-42-alive' "$REPLY_WAIT"; then
            show_tail calm
            fail linux-panic "the other child stopped answering after the crash"
        else
            type_into calm 'reboot'
            if finish calm reboot; then
                pass linux-panic
            else
                show_tail calm
                fail linux-panic "the other child: $why"
            fi
        fi
    fi
fi
unhold calm
unhold crash
stop calm crash

# --- linux-three -----------------------------------------------------------------
# Three children at once, each running the guest's hello scenario and
# powering off. The last one destroyed leaves the pool as it was.
for c in t1 t2 t3; do
    tess-boot --name "$c" --paging "$PAGING" --timeout 900 --cmdline tessera.scenario=hello \
        "$KERNEL" "$INITRD" </dev/null >"/tmp/$c.out" 2>&1 &
    eval "pid_$c=$!"
done
ok=1
for c in t1 t2 t3; do
    if ! finish "$c" poweroff || ! grep -q 'TESSERA-GUEST-TEST PASS hello' "/tmp/$c.out"; then
        show_tail "$c"
        fail linux-three "$c: ${why:-no hello PASS line}"
        ok=0
        break
    fi
done
if [ $ok = 1 ]; then
    # Once all three runners have ended, the pool (tess host-info) must be
    # back to the baseline the first child measured.
    n=0
    while [ "$(free_pages)" != "$baseline" ] && [ $n -lt 30 ]; do
        sleep 1
        n=$((n + 1))
    done
    now=$(free_pages)
    if [ -z "$baseline" ] || [ "$now" != "$baseline" ]; then
        # What each runner saw after its own destroy.
        grep -H '^TESS-BOOT: .*\(destroyed\|pool\|error\)' /tmp/t1.out /tmp/t2.out /tmp/t3.out
        fail linux-three "free pages after all three: '$now', baseline '$baseline'"
    else
        pass linux-three
    fi
fi

exit $failed
