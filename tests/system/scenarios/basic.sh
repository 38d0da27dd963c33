#!/bin/sh
# Scenario "basic": dom0 sees the hypervisor, its memory and CPUs as configured,
# and cannot read the hypervisor's memory.  Prints TESSERA-TEST lines; exit 1
# if any test failed.
. /lib/tessera-lib.sh

failed=0
pass() { test_pass "$1"; }
fail() { test_fail "$1" "$2"; failed=1; }

# --- signature ---------------------------------------------------------------
sig=$(hv_signature)
if [ "$sig" = "TesseraHV" ]; then pass signature; else fail signature "tess-probe says '$sig'"; fi

# --- memory ------------------------------------------------------------------
want=$(cmdline_get tessera.expect_mem_mib || true)
got=$(memmap_ram_mib)
if [ -z "$want" ]; then
    fail memory "tessera.expect_mem_mib= missing from /proc/cmdline"
elif [ "$got" = "$want" ]; then
    pass memory
else
    fail memory "memmap System RAM is $got MiB, expected $want"
fi

# --- cpus --------------------------------------------------------------------
want=$(cmdline_get tessera.expect_cpus || true)
got=$(online_cpus)
if [ -z "$want" ]; then
    fail cpus "tessera.expect_cpus= missing from /proc/cmdline"
elif [ "$got" = "$want" ]; then
    pass cpus
else
    fail cpus "$got CPUs online, expected $want"
fi

# --- isolation ---------------------------------------------------------------
# The hypervisor image sits at 0x200000 and dom0's e820 marks it Reserved.
# Reading it through /dev/mem must work (no crash) but must not reveal the
# marker string stored in the hypervisor image.
marker="TESSERA-ISOLATION-"
marker="${marker}MARKER-5ec7e7"    # split so this script never contains it
entry=""
for e in /sys/firmware/memmap/*; do
    [ -r "$e/start" ] || continue
    if [ $(( $(cat "$e/start") )) -eq $(( 0x200000 )) ]; then entry=$e; break; fi
done
if [ -z "$entry" ]; then
    fail isolation "no /sys/firmware/memmap entry starts at 0x200000"
elif [ "$(cat "$entry/type")" != "Reserved" ]; then
    fail isolation "memmap entry at 0x200000 has type '$(cat "$entry/type")', expected Reserved"
else
    start=$(( $(cat "$entry/start") ))
    end=$(( $(cat "$entry/end") ))              # inclusive
    printf 'TESSERA-ISOLATION-RANGE 0x%x 0x%x\n' "$start" "$end"
    skip=$(( start / 4096 ))                    # whole pages covering the entry
    count=$(( (end + 1 - skip * 4096 + 4095) / 4096 ))
    want_bytes=$(( count * 4096 ))
    dd if=/dev/mem of=/tmp/hvrange.bin bs=4096 skip="$skip" count="$count" 2>/tmp/dd.err
    ddrc=$?
    got_bytes=$(wc -c < /tmp/hvrange.bin)
    if [ "$got_bytes" -ne "$want_bytes" ]; then
        fail isolation "dd read $got_bytes of $want_bytes bytes (rc $ddrc: $(tail -n 1 /tmp/dd.err))"
    elif tr '\000' '\n' < /tmp/hvrange.bin | grep -q "$marker"; then
        fail isolation "hypervisor marker readable through /dev/mem"
    else
        pass isolation
    fi
    rm -f /tmp/hvrange.bin
fi

# --- isolation-write ---------------------------------------------------------
# Overwrite the hypervisor's whole image through /dev/mem. If one byte landed,
# the hypervisor's code would be gone and the next exit (CPUID below) would
# kill the machine; instead the writes must go nowhere and CPUID still answer.
if [ -n "$entry" ] && [ "$(cat "$entry/type")" = "Reserved" ]; then
    tr '\000' '\245' < /dev/zero | head -c "$want_bytes" > /tmp/pattern.bin
    dd if=/tmp/pattern.bin of=/dev/mem bs=4096 seek="$skip" count="$count" \
        conv=notrunc 2>/tmp/dd.err
    ddrc=$?
    sig=$(hv_signature)
    if [ "$ddrc" -ne 0 ]; then
        fail isolation-write "dd to /dev/mem failed (rc $ddrc: $(tail -n 1 /tmp/dd.err))"
    elif [ "$sig" != "TesseraHV" ]; then
        fail isolation-write "after the write CPUID says '$sig'"
    else
        pass isolation-write
    fi
    rm -f /tmp/pattern.bin
else
    fail isolation-write "no Reserved memmap entry at 0x200000"
fi

# --- isolation-alive ---------------------------------------------------------
up=$(sh -c 'cat /proc/uptime' 2>/dev/null)
if [ -n "$up" ]; then pass isolation-alive; else fail isolation-alive "could not fork/read /proc/uptime"; fi

exit $failed
