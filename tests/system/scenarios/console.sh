#!/bin/sh
# Scenario "console": attach to a running Linux child's console from another
# process (tess-boot's console socket /run/tessera/NAME.sock, tess-console).
# Starts `tess-boot --name con1` in the background (stdin /dev/null, output
# to a file), waits for the guest's TESSERA-GUEST: banner, then with
# tess-console: a command's output comes back (attach), the socket is 0600,
# a second tess-console and a second tess-boot for con1 are refused, two
# more separate runs work (reattach), the console log has the guest output,
# and `poweroff -f` sent through tess-console ends the child (tess-console
# exits 0, tess-boot reports exit=poweroff and the pool, the socket is gone).
# Prints TESSERA-TEST lines (module-load, guest-banner, attach, socket-mode,
# busy-refused, runner-refused, reattach, console-log, poweroff, runner-exit,
# socket-removed); exit 1 if any failed. Every wait is bounded.
. /lib/tessera-lib.sh

NAME=con1
OUT=/tmp/con1.boot.out
LOG=/var/log/tessera/$NAME.log
SOCK=/run/tessera/$NAME.sock
ALL="module-load guest-banner attach socket-mode busy-refused runner-refused reattach
     console-log poweroff runner-exit socket-removed"

failed=0
done_tests=
pass() { test_pass "$1"; done_tests="$done_tests $1"; }
fail() { test_fail "$1" "$2"; done_tests="$done_tests $1"; failed=1; }

# wait_for FILE TEXT SECONDS: until FILE contains TEXT (0), or time is up (1).
wait_for() {
    n=0
    while [ $n -lt $(($3 * 10)) ]; do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        n=$((n + 1))
    done
    return 1
}

# alive PID: the process still runs (a zombie counts as ended).
alive() {
    [ -d /proc/$1 ] && ! grep -q '^State:.*Z' /proc/$1/status 2>/dev/null
}

# wait_exit PID SECONDS: wait for PID to end; its exit status, or 124 on timeout.
wait_exit() {
    n=0
    while alive "$1" && [ $n -lt $(($2 * 10)) ]; do
        sleep 0.1
        n=$((n + 1))
    done
    if alive "$1"; then
        return 124
    fi
    wait "$1"
}

# Stop the runner (SIGINT: exit=interrupted), report what was not done, end.
give_up() {
    if [ -n "$BOOT" ] && alive "$BOOT"; then
        kill -INT "$BOOT"
        wait_exit "$BOOT" 60 || kill -KILL "$BOOT" 2>/dev/null
    fi
    for t in $ALL; do
        case " $done_tests " in
        *" $t "*) ;;
        *) fail "$t" "not run: $1" ;;
        esac
    done
    show_runner
    exit 1
}

show_runner() {
    echo "--- tess-boot output (last 40 lines of $OUT):"
    tail -n 40 "$OUT" 2>/dev/null
    echo "--- end of tess-boot output"
}

# console TIMEOUT INPUT OUTFILE: one tess-console run, INPUT on its stdin.
# Sets crc to its exit status; stdout in OUTFILE, stderr in OUTFILE.err.
console() {
    printf '%s\n' "$2" | tess-console --timeout "$1" $NAME >"$3" 2>"$3.err"
    crc=$?
    echo "--- tess-console --timeout $1 $NAME <<< '$2': exit $crc; stderr:"
    cat "$3.err"
}

# roundtrip TAG: send `echo $((6*7))-TAG`, expect 42-TAG back (a few tries:
# the shell may still be starting). Returns 0 if it came back.
roundtrip() {
    try=1
    while [ $try -le 5 ]; do
        console 8 "echo \$((6*7))-$1" /tmp/con.$1.out
        if grep -q "42-$1" /tmp/con.$1.out; then
            return 0
        fi
        echo "--- try $try: no '42-$1' in the output ($(wc -c </tmp/con.$1.out) bytes)"
        alive "$BOOT" || return 1
        try=$((try + 1))
    done
    return 1
}

# --- module-load ---------------------------------------------------------------
for f in /lib/modules/tessera.ko /bin/tess-boot /bin/tess-console \
         /guest/linux/vmlinuz /guest/linux/initrd.img; do
    [ -e "$f" ] || { fail module-load "$f missing from the initramfs"; give_up "$f missing"; }
done
if tessera_module_load; then
    pass module-load
else
    fail module-load "$tessera_module_error"
    give_up "no /dev/tessera"
fi

# --- guest-banner: tess-boot in the background ------------------------------------
echo "--- tess-boot --timeout 600 --name $NAME /guest/linux/vmlinuz /guest/linux/initrd.img &"
tess-boot --timeout 600 --name $NAME /guest/linux/vmlinuz /guest/linux/initrd.img \
    </dev/null >$OUT 2>&1 &
BOOT=$!
t0=$(date +%s)
if wait_for $OUT "TESSERA-GUEST:" 300; then
    pass guest-banner
    echo "--- guest banner after $(( $(date +%s) - t0 )) s: $(grep -a 'TESSERA-GUEST:' $OUT | head -n 1)"
else
    fail guest-banner "no TESSERA-GUEST: line from the child within 300 s"
    give_up "no guest banner"
fi

# --- attach: a command typed through tess-console runs in the guest's shell -------
if roundtrip attached; then
    if [ $crc -eq 3 ] && grep -q "connected to $NAME" /tmp/con.attached.out.err; then
        pass attach
    else
        fail attach "tess-console exited $crc (3 expected after --timeout) or no 'connected' line"
    fi
else
    fail attach "no '42-attached' from the guest through tess-console (exit $crc)"
    give_up "the console does not answer"
fi

# --- socket-mode: /run/tessera/con1.sock is a socket, mode 0600 --------------------
mode=$(stat -c '%a' $SOCK 2>/dev/null)
if [ -S $SOCK ] && [ "$mode" = 600 ]; then
    pass socket-mode
else
    fail socket-mode "$SOCK: socket '$([ -S $SOCK ] && echo yes || echo no)', mode '$mode'"
fi

# --- busy-refused: a second tess-console while one is attached -------------------
tess-console --timeout 60 $NAME </dev/null >/tmp/con.first.out 2>/tmp/con.first.err &
FIRST=$!
if ! wait_for /tmp/con.first.err "connected to $NAME" 20; then
    fail busy-refused "the first tess-console did not connect: $(cat /tmp/con.first.err)"
else
    tess-console --timeout 20 $NAME </dev/null >/tmp/con.second.out 2>/tmp/con.second.err
    rc=$?
    echo "--- second tess-console: exit $rc: $(cat /tmp/con.second.err)"
    if [ $rc -ne 1 ]; then
        fail busy-refused "the second tess-console exited $rc, 1 expected"
    elif ! grep -q "^tess-console: error: $NAME: another client is attached" /tmp/con.second.err; then
        fail busy-refused "no 'tess-console: error: $NAME: another client is attached' line"
    elif ! alive $FIRST; then
        fail busy-refused "the first tess-console ended: $(cat /tmp/con.first.err)"
    else
        pass busy-refused
    fi
fi
kill -TERM $FIRST 2>/dev/null
wait_exit $FIRST 10
rc=$?
echo "--- first tess-console after SIGTERM: exit $rc"

# --- runner-refused: a second tess-boot for con1 must not start ------------------
tess-boot --timeout 30 --name $NAME /guest/linux/vmlinuz </dev/null >/tmp/boot2.out 2>&1 &
B2=$!
wait_exit $B2 30
rc=$?
echo "--- second tess-boot --name $NAME: exit $rc:"
cat /tmp/boot2.out
if [ $rc -ne 1 ]; then
    fail runner-refused "the second tess-boot exited $rc, 1 expected"
elif ! grep -q "console socket $SOCK is in use" /tmp/boot2.out; then
    fail runner-refused "no 'console socket $SOCK is in use' message"
elif grep -q "created domain" /tmp/boot2.out; then
    fail runner-refused "the second tess-boot created a domain"
elif [ ! -S $SOCK ]; then
    fail runner-refused "the second tess-boot removed $SOCK"
else
    pass runner-refused
fi

# --- reattach: two more separate tess-console runs ------------------------------
if roundtrip again && roundtrip third; then
    pass reattach
else
    fail reattach "a later tess-console run got no answer (exit $crc)"
fi

# --- console-log: the guest's output is in /var/log/tessera/con1.log --------------
if [ ! -f $LOG ]; then
    fail console-log "$LOG missing"
elif ! grep -q "TESSERA-GUEST:" $LOG; then
    fail console-log "no TESSERA-GUEST: line in $LOG"
elif ! grep -q "42-attached" $LOG || ! grep -q "42-third" $LOG; then
    fail console-log "the commands' output (42-attached, 42-third) is not in $LOG"
else
    pass console-log
fi

# --- poweroff: through tess-console; it exits 0 when the child ends ---------------
console 120 "poweroff -f" /tmp/con.poweroff.out
if [ $crc -eq 0 ] && grep -q "$NAME ended (exit=poweroff)" /tmp/con.poweroff.out.err; then
    pass poweroff
else
    fail poweroff "tess-console exited $crc (0 expected) or no '$NAME ended (exit=poweroff)'"
fi

# --- runner-exit: tess-boot reports the poweroff and the pool --------------------
wait_exit $BOOT 60
rc=$?
BOOT_RC=$rc
if [ $rc -eq 124 ]; then
    fail runner-exit "tess-boot still runs 60 s after the poweroff"
    give_up "tess-boot did not end"
elif [ $rc -ne 0 ]; then
    fail runner-exit "tess-boot exited $rc"
elif ! grep -q "^TESS-BOOT: $NAME exit=poweroff" $OUT; then
    fail runner-exit "no 'TESS-BOOT: $NAME exit=poweroff' line"
elif ! grep -q "^TESS-BOOT: pool back to baseline" $OUT; then
    fail runner-exit "no 'TESS-BOOT: pool back to baseline' line"
else
    pass runner-exit
fi

# --- socket-removed: tess-boot unlinks its socket at exit -------------------------
if [ -e $SOCK ]; then
    fail socket-removed "$SOCK still exists after tess-boot exited"
else
    pass socket-removed
fi

show_runner
echo "--- tess-boot exit status $BOOT_RC"
exit $failed
