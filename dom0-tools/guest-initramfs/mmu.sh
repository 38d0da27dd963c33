#!/bin/sh
# Scenario "mmu" (make bench, tests/bench/mmu.py): one phase of the MMU
# microbenchmark, /bin/mmubench (tests/bench/mmubench.c):
#   tessera.mmu=fork  tessera.mmu_n=N               N fork+exit+wait cycles
#   tessera.mmu=touch tessera.mmu_n=N tessera.mmu_mib=M
#                                                   N random 8-byte touches over M MiB
# "MMUBENCH-START" comes right before the phase, so dom0's tess-boot --mark
# samples the exits there; init powers off after it.
arg() {
    for word in $(cat /proc/cmdline); do
        case $word in "$1"=*) echo "${word#*=}"; return 0 ;; esac
    done
    return 1
}
phase=$(arg tessera.mmu) || { echo "TESSERA-GUEST-TEST FAIL mmu: no tessera.mmu="; exit 1; }
n=$(arg tessera.mmu_n) || n=1000
echo "MMUBENCH-START $phase"
case $phase in
    fork) /bin/mmubench fork "$n" ;;
    touch) /bin/mmubench touch "$n" "$(arg tessera.mmu_mib || echo 256)" ;;
    *) echo "TESSERA-GUEST-TEST FAIL mmu: phase '$phase' is not fork or touch"; exit 1 ;;
esac && echo "TESSERA-GUEST-TEST PASS mmu"
