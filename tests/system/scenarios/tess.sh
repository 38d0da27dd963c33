#!/bin/sh
# Scenario "tess": the tess CLI round trip with Linux children.
# Refused definitions (bad XML, too much memory, missing kernel) create
# nothing; define -> start -> list/info -> console -> dumpxml
# -> pause/unpause -> `reboot` typed in the guest restarts it (on_reboot=
# restart) -> tess reboot -> tess shutdown -> undefine; a transient child
# from the 2-vCPU example (create, info, destroy); one from the shadow-paging
# example (create, info with shadow counters, destroy); the pool is back
# where it started. JSON output goes between "TESS-JSON-BEGIN tag" and
# "TESS-JSON-END tag" lines: tests/system/harness.py parses and checks it.
# Prints TESSERA-TEST lines; exit 1 if any failed. Every wait is bounded.
. /lib/tessera-lib.sh

EX=/usr/share/tessera/examples
BOOT_WAIT=300       # seconds for a child to reach its shell under TCG
END_WAIT=180

failed=0
pass() { test_pass "$1"; }
fail() { test_fail "$1" "$2"; failed=1; }

# json TAG ARGS...: run tess ARGS --json, framed for the harness.
json() {
    tag=$1
    shift
    echo "TESS-JSON-BEGIN $tag"
    tess "$@" --json
    echo "TESS-JSON-END $tag"
}

# t OUT ARGS...: run tess ARGS, stdout+stderr in OUT (shown), status in $rc.
t() {
    out=$1
    shift
    tess "$@" >"$out" 2>&1
    rc=$?
    echo "--- tess $*: exit $rc"
    sed 's/^/    /' "$out"
}

xml_name() { sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$1" | head -n 1; }

# guest_shells NAME: how many times the console log shows the guest's shell.
guest_shells() { grep -c "TESSERA-GUEST: shell" "/var/log/tessera/$1.log" 2>/dev/null; }

# wait_shells NAME N SECONDS: until the console log shows N guest shells.
wait_shells() {
    n=0
    while [ "$(guest_shells "$1")" -lt "$2" ] && [ $n -lt "$3" ]; do
        sleep 1
        n=$((n + 1))
    done
    [ "$(guest_shells "$1")" -ge "$2" ]
}

# gone NAME SECONDS: until tess list no longer shows NAME running.
gone() {
    n=0
    while tess list | grep -q " $1 " && [ $n -lt "$2" ]; do
        sleep 1
        n=$((n + 1))
    done
    ! tess list | grep -q " $1 "
}

# roundtrip NAME TAG: a command typed through tess console is answered.
roundtrip() {
    try=1
    while [ $try -le 5 ]; do
        printf 'echo $((6*7))-%s\n' "$2" | tess console --timeout 8 "$1" >/tmp/rt.out 2>&1
        grep -q "42-$2" /tmp/rt.out && return 0
        try=$((try + 1))
    done
    echo "--- no '42-$2' from $1:"
    tail -n 5 /tmp/rt.out
    return 1
}

free_bytes() { tess host-info --json | sed -n 's/.*"free_bytes": \([0-9]*\).*/\1/p'; }

if tessera_module_load; then
    pass module-load
else
    fail module-load "$tessera_module_error"
    exit 1
fi
[ -x /bin/tess ] || { fail module-load "/bin/tess missing"; exit 1; }
POOL0=$(free_bytes)
echo "--- free pool at the start: $POOL0 bytes"
json host-info host-info
# Dom0's paging mode (and, on shadow paging, its counters) by id.
json dom0-info info 0

# --- every example validates ------------------------------------------------------
ok=1
for x in "$EX"/*.xml; do
    t /tmp/v.out validate "$x"
    [ $rc -eq 0 ] || ok=0
done
[ $ok -eq 1 ] && ls "$EX"/*.xml >/dev/null 2>&1 && pass examples-valid ||
    fail examples-valid "tess validate refused an example (or there are none)"

ONE=$EX/linux-1vcpu.xml
TWO=$EX/linux-2vcpu.xml
N=$(xml_name "$ONE")
N2=$(xml_name "$TWO")
echo "--- domains: $N ($ONE), $N2 ($TWO)"

# --- refused definitions create nothing --------------------------------------------
sed "s:<vcpu>:<vcpus>:; s:</vcpu>:</vcpus>:" "$ONE" > /tmp/bad.xml
line=$(grep -n "<vcpus>" /tmp/bad.xml | cut -d: -f1)
col=$(sed -n "${line}p" /tmp/bad.xml | awk '{ print index($0, "<vcpus>") }')
t /tmp/bad.out create /tmp/bad.xml
if [ $rc -eq 1 ] && grep -qF "error: unknown element <vcpus> at /tmp/bad.xml:$line:$col; did you mean <vcpu>?" /tmp/bad.out; then
    pass bad-xml-refused
else
    fail bad-xml-refused "exit $rc; expected 'unknown element <vcpus> at /tmp/bad.xml:$line:$col; did you mean <vcpu>?'"
fi
sed "s:<memory unit='MiB'>[0-9]*</memory>:<memory unit='GiB'>512</memory>:" "$ONE" > /tmp/big.xml
t /tmp/big.out create /tmp/big.xml
if [ $rc -eq 1 ] && grep -q "error: domain '$N' needs 524288 MiB of memory; the hypervisor's pool has [0-9]* MiB free" /tmp/big.out; then
    pass no-room-refused
else
    fail no-room-refused "exit $rc; expected 'needs 524288 MiB ... pool has N MiB free'"
fi
sed "s:<kernel>[^<]*</kernel>:<kernel>/nonexistent/vmlinuz</kernel>:" "$ONE" > /tmp/nokernel.xml
t /tmp/nok.out create /tmp/nokernel.xml
if [ $rc -eq 1 ] && grep -q "error: kernel /nonexistent/vmlinuz: No such file or directory" /tmp/nok.out; then
    pass missing-kernel-refused
else
    fail missing-kernel-refused "exit $rc; expected 'kernel /nonexistent/vmlinuz: No such file or directory'"
fi
t /tmp/nosuch.out info no-such-domain
if [ $rc -eq 1 ] && grep -q "^error: no domain 'no-such-domain'" /tmp/nosuch.out; then
    pass unknown-domain
else
    fail unknown-domain "exit $rc; expected error: no domain 'no-such-domain'"
fi
t /tmp/verb.out frobnicate
[ $rc -eq 2 ] && grep -q "^error: unknown verb 'frobnicate'" /tmp/verb.out &&
    pass unknown-verb || fail unknown-verb "exit $rc, 2 expected with 'unknown verb'"
json after-refused list --all
if [ -z "$(ls /var/lib/tessera/domains 2>/dev/null)" ] && [ "$(free_bytes)" = "$POOL0" ]; then
    pass refused-created-nothing
else
    fail refused-created-nothing "domains dir: '$(ls /var/lib/tessera/domains 2>/dev/null)', free $(free_bytes) (was $POOL0)"
fi

# --- define / start -------------------------------------------------------------------
t /tmp/def.out define "$ONE"
if [ $rc -eq 0 ] && [ -f "/var/lib/tessera/domains/$N.xml" ]; then
    pass define
else
    fail define "exit $rc or /var/lib/tessera/domains/$N.xml missing"
fi
t /tmp/def2.out define "$ONE"
[ $rc -eq 0 ] && pass redefine || fail redefine "defining $N again exited $rc"
json defined list --all
t /tmp/start.out start "$N"
if [ $rc -eq 0 ] && wait_shells "$N" 1 $BOOT_WAIT; then
    pass start
else
    fail start "exit $rc, or no guest shell in /var/log/tessera/$N.log within $BOOT_WAIT s"
    tail -n 20 "/var/log/tessera/$N.log"
    tail -n 20 "/var/log/tessera/$N.runner.log"
fi
t /tmp/start2.out start "$N"
[ $rc -eq 1 ] && grep -q "already running" /tmp/start2.out && pass start-twice-refused ||
    fail start-twice-refused "a second start exited $rc"
json running list
json running-info info "$N"
roundtrip "$N" first && pass console || fail console "no answer through tess console"
tess dumpxml "$N" > /tmp/dump.xml
t /tmp/dumpv.out validate /tmp/dump.xml
if [ $rc -eq 0 ] && grep -q "<uuid>" /tmp/dump.xml; then
    pass dumpxml
else
    fail dumpxml "dumpxml output does not validate or has no <uuid>"
    cat /tmp/dump.xml
fi

# --- pause / unpause ------------------------------------------------------------------
t /tmp/pause.out pause "$N"
json paused-info info "$N"
t /tmp/unpause.out unpause "$N"
if roundtrip "$N" unpaused; then
    pass pause-unpause
else
    fail pause-unpause "no answer after unpause"
fi

# --- on_reboot=restart: reboot typed in the guest -------------------------------------
printf 'reboot\n' | tess console --timeout 3 "$N" >/dev/null 2>&1
if wait_shells "$N" 2 $BOOT_WAIT && roundtrip "$N" restarted; then
    pass guest-reboot-restarts
else
    fail guest-reboot-restarts "no second guest shell after reboot"
    tail -n 20 "/var/log/tessera/$N.runner.log"
fi
json restarted-info info "$N"

# --- tess reboot: power button, then restart ------------------------------------------
t /tmp/reboot.out reboot "$N"
if [ $rc -eq 0 ] && wait_shells "$N" 3 $BOOT_WAIT && roundtrip "$N" rebooted; then
    pass tess-reboot
else
    fail tess-reboot "exit $rc, or no third guest shell"
    tail -n 20 "/var/log/tessera/$N.runner.log"
fi

# --- shutdown -----------------------------------------------------------------------
t /tmp/shut.out shutdown --timeout $END_WAIT "$N"
if [ $rc -eq 0 ] && grep -q "has shut down" /tmp/shut.out && gone "$N" 30; then
    pass shutdown
else
    fail shutdown "exit $rc, or $N still listed"
    tail -n 20 "/var/log/tessera/$N.runner.log"
fi
n=0
while [ -e "/run/tessera/$N.run" ] && [ $n -lt 30 ]; do sleep 1; n=$((n + 1)); done
[ ! -e "/run/tessera/$N.run" ] && [ ! -e "/run/tessera/$N.sock" ] && pass runner-gone ||
    fail runner-gone "/run/tessera/$N.run or .sock still there"
json after-shutdown list --all

# --- a transient child: create, info, destroy -------------------------------------------
t /tmp/create.out create "$TWO"
if [ $rc -eq 0 ] && wait_shells "$N2" 1 $BOOT_WAIT; then
    pass create
else
    fail create "exit $rc, or no guest shell from $N2"
    tail -n 20 "/var/log/tessera/$N2.runner.log"
fi
json transient-info info "$N2"
t /tmp/destroy.out destroy "$N2"
if [ $rc -eq 0 ] && gone "$N2" 30; then
    pass destroy
else
    fail destroy "exit $rc, or $N2 still listed"
fi

# --- a shadow-paging child (<hap state='off'/>): create, info, destroy --------------------
NS=$(xml_name "$EX/linux-shadow.xml")
t /tmp/shadow.out create "$EX/linux-shadow.xml"
if [ $rc -eq 0 ] && wait_shells "$NS" 1 $BOOT_WAIT; then
    pass shadow-create
else
    fail shadow-create "exit $rc, or no guest shell from $NS"
    tail -n 20 "/var/log/tessera/$NS.runner.log"
fi
json shadow-info info "$NS"
t /tmp/shinfo.out info "$NS"
if grep -q "^Paging: *shadow$" /tmp/shinfo.out &&
    grep -q "^Shadow: *faults=[1-9][0-9]* filled=[1-9]" /tmp/shinfo.out; then
    pass shadow-info-text
else
    fail shadow-info-text "tess info $NS: no 'Paging: shadow' or no shadow counters"
fi
t /tmp/shdestroy.out destroy "$NS"
if [ $rc -eq 0 ] && gone "$NS" 30; then
    pass shadow-destroy
else
    fail shadow-destroy "exit $rc, or $NS still listed"
fi

# --- undefine, and the pool is back ------------------------------------------------------
t /tmp/undef.out undefine "$N"
[ $rc -eq 0 ] && [ ! -e "/var/lib/tessera/domains/$N.xml" ] && pass undefine ||
    fail undefine "exit $rc, or the definition is still there"
json at-end list --all
n=0
while [ "$(free_bytes)" != "$POOL0" ] && [ $n -lt 30 ]; do sleep 1; n=$((n + 1)); done
if [ "$(free_bytes)" = "$POOL0" ]; then
    pass pool-baseline
else
    fail pool-baseline "free pool $(free_bytes) bytes, $POOL0 at the start"
fi
exit $failed
