# Shell helpers shared by /init and the test scenarios (busybox sh).
# Installed in the dom0 initramfs as /lib/tessera-lib.sh.

# cmdline_get KEY: print the value of KEY=value from /proc/cmdline (empty if absent).
cmdline_get() {
    for word in $(cat /proc/cmdline); do
        case $word in
            "$1"=*) echo "${word#*=}"; return 0 ;;
        esac
    done
    return 1
}

# memmap_ram_bytes: total size of the "System RAM" entries in /sys/firmware/memmap
# (the e820 table dom0 was booted with).  Entry ends are inclusive.
memmap_ram_bytes() {
    total=0
    for entry in /sys/firmware/memmap/*; do
        [ -r "$entry/type" ] || continue
        [ "$(cat "$entry/type")" = "System RAM" ] || continue
        total=$(( total + $(cat "$entry/end") - $(cat "$entry/start") + 1 ))
    done
    echo "$total"
}

# memmap_ram_mib: the same in MiB, rounded to the nearest MiB.
memmap_ram_mib() {
    echo $(( ($(memmap_ram_bytes) + 524288) / 1048576 ))
}

# online_cpus: number of CPUs Linux brought online.
online_cpus() {
    grep -c '^processor' /proc/cpuinfo
}

# hv_signature: hypervisor CPUID signature as seen by tess-probe ("none" if absent).
hv_signature() {
    tess-probe signature 2>/dev/null || true
}

# Test result lines parsed by tests/system/harness.py.
test_pass() { echo "TESSERA-TEST PASS $1"; }
test_fail() { echo "TESSERA-TEST FAIL $1: $2"; }

# tessera_module_load: insmod /lib/modules/tessera.ko and wait up to 5 s for
# /dev/tessera. Returns 0, or 1 with the reason in $tessera_module_error.
tessera_module_load() {
    tessera_module_error=
    if [ ! -f /lib/modules/tessera.ko ]; then
        tessera_module_error="/lib/modules/tessera.ko missing from the initramfs"
        return 1
    fi
    if ! insmod /lib/modules/tessera.ko 2>/tmp/insmod.err; then
        tessera_module_error="insmod failed: $(cat /tmp/insmod.err); $(dmesg | grep tessera | tail -n 2)"
        return 1
    fi
    n=0
    while [ ! -c /dev/tessera ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    if [ ! -c /dev/tessera ]; then
        tessera_module_error="/dev/tessera did not appear after insmod"
        return 1
    fi
}

# For the bench scenarios: bench_field FILE SED-EXPR: the first line
# sed -n prints, or "-".
bench_field() {
    v=$(sed -n "$2" "$1" | head -n 1)
    echo "${v:--}"
}

# bench_stats PREFIX "cpuid=1 msr=2 ...": "PREFIX_cpuid=1 PREFIX_msr=2 ..."
bench_stats() {
    [ -n "$2" ] || { echo "${1}_stats=-"; return; }
    echo "$2" | sed "s/\([a-z]*\)=/${1}_\1=/g"
}
