#!/bin/sh
# Scenario "panic": the kernel panics (sysrq c). The pvpanic driver that
# /init loaded reports it through port 0x505, so the domain must end as
# crashed by the guest (tess-boot prints exit=crashed:guest) right in the
# panic; nothing after the trigger may run.
echo "TESSERA-GUEST: panicking with sysrq c"
echo c > /proc/sysrq-trigger
sleep 5
echo "TESSERA-GUEST-TEST FAIL panic: still running 5 s after sysrq c"
