#!/bin/sh
# Scenario "demo": what the README's demo shows (make demo runs it in dom0
# before the interactive shell; the harness runs it as a test). Creates a
# child from examples/linux-1vcpu.xml with `tess create`, lists it, waits for
# its console to reach the guest's shell and types a command there through
# `tess console`, then `tess shutdown` asks it to power off.
# Prints TESSERA-TEST lines (demo-create, demo-list, demo-console,
# demo-shutdown); exit 1 if any failed. Every wait is bounded.
. /lib/tessera-lib.sh

EX=/usr/share/tessera/examples/linux-1vcpu.xml
failed=0
pass() { test_pass "$1"; }
fail() { test_fail "$1" "$2"; failed=1; }

# show CMD...: echo the command as if typed at the dom0 prompt, then run it.
show() {
    echo
    echo "dom0# $*"
    "$@"
}

if ! tessera_module_load; then
    fail demo-create "$tessera_module_error"
    exit 1
fi
N=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$EX" | head -n 1)
LOG=/var/log/tessera/$N.log

show cat "$EX"
if show tess create "$EX"; then
    pass demo-create
else
    fail demo-create "tess create $EX failed"
    exit 1
fi
show tess list | tee /tmp/demo-list.out
if grep -q " $N .*running" /tmp/demo-list.out; then
    pass demo-list
else
    fail demo-list "tess list does not show $N running"
fi

echo
echo "(waiting for $N to boot: its console log is $LOG)"
n=0
while ! grep -q "TESSERA-GUEST: shell" "$LOG" 2>/dev/null && [ $n -lt 300 ]; do
    sleep 1
    n=$((n + 1))
done
show tail -n 3 "$LOG"
echo
echo "dom0# tess console $N      (typing a command into the child's shell)"
printf 'uname -sr; echo cpus=$(grep -c ^processor /proc/cpuinfo)\n' |
    tess console --timeout 10 "$N" > /tmp/demo-console.out 2>&1
cat /tmp/demo-console.out
if grep -q "^cpus=1" /tmp/demo-console.out; then
    pass demo-console
else
    fail demo-console "the child's shell did not answer through tess console"
fi

show tess info "$N"
if show tess shutdown --timeout 180 "$N"; then
    pass demo-shutdown
else
    fail demo-shutdown "tess shutdown did not end $N"
fi
show tess list --all
echo
echo "Try: tess help; tess create /usr/share/tessera/examples/linux-2vcpu.xml;"
echo "     tess console NAME (Ctrl-] detaches); tess destroy NAME."
exit $failed
