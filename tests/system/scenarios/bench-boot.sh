#!/bin/sh
# Scenario "bench-boot": the child-boot benchmark (docs/benchmarks.md, run by
# tests/bench/bench.py through `make bench`; not part of `make check`).
#
# Loads the dom0 control module, then boots Debian's kernel with the guest
# initramfs as a child, tessera.bench_runs=N times (default 3) for each vCPU
# count in tessera.bench_vcpus=LIST (comma-separated, default 1,2):
#   tess-boot --vcpus V --mark 'TESSERA-GUEST:' --cmdline 'tessera.scenario=hello'
#             --log none /guest/linux/vmlinuz /guest/linux/initrd.img </dev/null
# The child's console goes to a file in /tmp, not to the serial port, so
# dom0 does not spend the measured time writing it out. Per boot it prints
# tess-boot's own TESS-BOOT lines and one machine-readable line:
#   TESSERA-BENCH boot vcpus=V run=I rc=RC exit=EXIT mark_s=SECONDS
#       start_to_created_s=SECONDS start_to_mark_s=SECONDS late_mark=0|1
#       kinit_s=SECONDS guest_cpus=N console_bytes=N
#       mark_cpuid=.. mark_msr=.. ... mark_other=..
#       end_cpuid=.. ... end_other=..
# mark_s: tess-boot's own time to 'TESSERA-GUEST:' on the child's console
# (its clock starts when the kernel is loaded and the vCPUs are about to
# start); start_to_created_s and start_to_mark_s: the seconds from tess-boot's
# start to its "created domain" line and to its mark line (busybox ts stamps
# each line), so they include creating the domain (256 MiB zeroed by the
# hypervisor) and loading the kernel; kinit_s: the child kernel's printk
# timestamp of "Run /init as init process"; console_bytes: what the child
# wrote to its console (COM1) up to the banner; mark_*: the child's exits by
# reason when the mark was seen; end_*: at poweroff; late_mark=1: no exit
# happened between the mark and poweroff, i.e. tess-boot read the console only
# after the child had stopped, so mark_* are the end counts and the times are
# a little late. A field that could not be found is "-". A failed boot
# (rc not 0, exit not poweroff, no mark) also prints TESSERA-BENCH-FAIL and the
# tail of the child's console. Ends with "TESSERA-BENCH done runs=N failed=F";
# exit status 1 if any boot failed.
. /lib/tessera-lib.sh

runs=$(cmdline_get tessera.bench_runs || true)
vcpus_list=$(cmdline_get tessera.bench_vcpus || true)
runs=${runs:-3}
vcpus_list=${vcpus_list:-1,2}
case $runs in
    ''|*[!0-9]*|0) echo "TESSERA-BENCH-FAIL setup: tessera.bench_runs=$runs is not a positive number"
        exit 1 ;;
esac

if ! tessera_module_load; then
    echo "TESSERA-BENCH-FAIL setup: $tessera_module_error"
    exit 1
fi

echo "TESSERA-BENCH begin runs=$runs vcpus=$vcpus_list dom0_cpus=$(online_cpus)"
total=0 failed=0
for v in $(echo "$vcpus_list" | tr ',' ' '); do
    i=1
    while [ "$i" -le "$runs" ]; do
        name=bench-v$v-r$i
        raw=/tmp/$name.raw
        out=/tmp/$name.out
        # ts stamps each line with the seconds since tess-boot started.
        { tess-boot --name "$name" --vcpus "$v" --mark 'TESSERA-GUEST:' \
              --cmdline 'tessera.scenario=hello' --log none --timeout 300 \
              /guest/linux/vmlinuz /guest/linux/initrd.img </dev/null 2>&1
          echo "$?" >/tmp/$name.rc
        } | ts -s '%.s' >"$raw"
        rc=$(cat /tmp/$name.rc 2>/dev/null)
        rc=${rc:-255}
        tr -d '\r' <"$raw" | sed 's/^[0-9.]* //' >"$out"
        grep '^TESS-BOOT: ' "$out"
        mark_s=$(bench_field "$out" "s/^TESS-BOOT: $name mark 'TESSERA-GUEST:' after [0-9.]* s (\([0-9.]*\) s after the vCPUs started)\$/\1/p")
        mark_stats=$(sed -n "s/^TESS-BOOT: $name mark stats //p" "$out" | head -n 1)
        end_stats=$(sed -n "s/^TESS-BOOT: $name stats //p" "$out" | head -n 1)
        ex=$(bench_field "$out" "s/^TESS-BOOT: $name exit=\([^ ]*\).*/\1/p")
        kinit=$(bench_field "$out" 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p')
        # tess-boot's mark lines may land inside the banner line: join the
        # console's lines without them before reading the CPU count.
        gcpus=$(grep -v '^TESS-BOOT: ' "$out" | tr -d '\n' |
                    grep -o 'TESSERA-GUEST: cpus=[0-9]*' | sed -n '1s/.*=//p')
        gcpus=${gcpus:--}
        created_at=$(bench_field "$raw" "s/^\([0-9.]*\) TESS-BOOT: $name created domain .*/\1/p")
        mark_at=$(bench_field "$raw" "s/^\([0-9.]*\) TESS-BOOT: $name mark 'TESSERA-GUEST:' after .*/\1/p")
        # Bytes the child wrote to its console (COM1) up to the banner.
        cbytes=$(sed 's/^[0-9.]* //' "$raw" | sed -n "1,/^TESS-BOOT: $name mark /p" |
                     grep -v '^TESS-BOOT: ' | wc -c)
        # No exit at all between the mark and the end: tess-boot read the
        # console only after the child had stopped, so the mark is late.
        late=0
        [ -n "$mark_stats" ] && [ "$mark_stats" = "$end_stats" ] && late=1
        echo "TESSERA-BENCH boot vcpus=$v run=$i rc=$rc exit=$ex mark_s=$mark_s" \
            "start_to_created_s=$created_at start_to_mark_s=$mark_at late_mark=$late" \
            "kinit_s=$kinit guest_cpus=$gcpus console_bytes=$cbytes" \
            "$(bench_stats mark "$mark_stats")" \
            "$(bench_stats end "$end_stats")"
        rm -f /tmp/$name.rc
        total=$((total + 1))
        why=
        [ "$rc" = 0 ] || why="tess-boot exit status $rc"
        [ "$ex" = poweroff ] || why="${why:+$why; }child exit=$ex (poweroff expected)"
        [ "$mark_s" != - ] || why="${why:+$why; }no 'TESSERA-GUEST:' on the child's console"
        [ "$gcpus" = "$v" ] || why="${why:+$why; }the child saw $gcpus CPU(s), $v expected"
        if [ -n "$why" ]; then
            failed=$((failed + 1))
            echo "TESSERA-BENCH-FAIL $name: $why; last 40 lines of its console:"
            tail -n 40 "$out" | sed 's/^/  | /'
        fi
        rm -f "$raw" "$out"
        i=$((i + 1))
    done
done
echo "TESSERA-BENCH done runs=$total failed=$failed"
[ "$failed" = 0 ]
