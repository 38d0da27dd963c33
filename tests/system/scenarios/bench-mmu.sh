#!/bin/sh
# Scenario "bench-mmu": the MMU microbenchmark (make bench, run by
# tests/bench/mmu.py; not part of make check; docs/benchmarks.md).
# For each paging mode in tessera.mmu_modes (default hap,shadow) and each
# phase, tessera.bench_runs times (default 1), boots Debian's kernel with the
# guest initramfs as a 512 MiB, 1-vCPU child whose scenario "mmu" runs one
# phase of /bin/mmubench:
#   fork   tessera.mmu_forks (default 2000) fork+exit+wait cycles
#   touch  tessera.mmu_touches (default 10000000) random 8-byte touches over
#          tessera.mmu_mib (default 256) MiB
# tess-boot --mark 'MMUBENCH-START' samples the child's exits right before
# the phase; its end counts come at poweroff, so end - mark is the phase's
# exits plus the child's poweroff. One line per run:
#   TESSERA-BENCH mmu paging=P phase=F run=I rc=RC exit=EXIT n=N seconds=S
#       mark_cpuid=.. ... end_other=..
# (seconds: the child's own clock around the phase). A failed run also
# prints TESSERA-BENCH-FAIL with the console's tail. Ends with
# "TESSERA-BENCH done runs=N failed=F"; exit 1 if any failed.
. /lib/tessera-lib.sh

opt() { v=$(cmdline_get "$1" || true); echo "${v:-$2}"; }
runs=$(opt tessera.bench_runs 1)
modes=$(opt tessera.mmu_modes hap,shadow)
forks=$(opt tessera.mmu_forks 2000)
touches=$(opt tessera.mmu_touches 10000000)
mib=$(opt tessera.mmu_mib 256)

if ! tessera_module_load; then
    echo "TESSERA-BENCH-FAIL setup: $tessera_module_error"
    exit 1
fi

# run_phase PAGING PHASE RUN: one child, one TESSERA-BENCH mmu line.
run_phase() {
    name=mmu-$1-$2-$3
    out=/tmp/$name.out
    if [ "$2" = fork ]; then n=$forks; else n=$touches; fi
    tess-boot --name "$name" --paging "$1" --mem 512 --mark MMUBENCH-START --log none \
        --timeout 3600 --cmdline "tessera.scenario=mmu tessera.mmu=$2 tessera.mmu_n=$n tessera.mmu_mib=$mib" \
        /guest/linux/vmlinuz /guest/linux/initrd.img </dev/null >"$out" 2>&1
    rc=$?
    grep '^TESS-BOOT: \|^MMUBENCH' "$out"
    secs=$(bench_field "$out" "s/^MMUBENCH $2 n=[0-9]* .*seconds=\([0-9.]*\) .*/\1/p")
    ex=$(bench_field "$out" "s/^TESS-BOOT: $name exit=\([^ ]*\).*/\1/p")
    mark_stats=$(sed -n "s/^TESS-BOOT: $name mark stats //p" "$out" | head -n 1)
    end_stats=$(sed -n "s/^TESS-BOOT: $name stats //p" "$out" | head -n 1)
    echo "TESSERA-BENCH mmu paging=$1 phase=$2 run=$3 rc=$rc exit=$ex n=$n seconds=$secs" \
        "$(bench_stats mark "$mark_stats") $(bench_stats end "$end_stats")"
    if [ "$rc" != 0 ] || [ "$ex" != poweroff ] || [ "$secs" = - ] || [ -z "$mark_stats" ] ||
        ! grep -q 'TESSERA-GUEST-TEST PASS mmu' "$out"; then
        echo "TESSERA-BENCH-FAIL $name: rc=$rc exit=$ex seconds=$secs; last 30 lines:"
        tail -n 30 "$out" | sed 's/^/  | /'
        return 1
    fi
    rm -f "$out"
}

echo "TESSERA-BENCH begin mmu modes=$modes runs=$runs forks=$forks touches=$touches mib=$mib"
total=0 failed=0
for paging in $(echo "$modes" | tr ',' ' '); do
    for phase in fork touch; do
        i=1
        while [ "$i" -le "$runs" ]; do
            run_phase "$paging" "$phase" "$i" || failed=$((failed + 1))
            total=$((total + 1))
            i=$((i + 1))
        done
    done
done
echo "TESSERA-BENCH done runs=$total failed=$failed"
[ "$failed" = 0 ]
