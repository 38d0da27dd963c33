#!/bin/sh
# Scenario "triplefault": dom0 (booted with reboot=t) reboots, which Linux does
# by loading an empty IDT and raising int3 -- a triple fault. The hypervisor
# must log dom0's state and reset the machine; nothing after this line runs.
. /lib/tessera-lib.sh

test_pass reboot-requested
sync
reboot -f
sleep 30
test_fail reboot "still running 30 s after reboot -f"
