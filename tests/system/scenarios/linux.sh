#!/bin/sh
# Scenario "linux": Debian's kernel as a child domain (issue 4), work in progress.
. /lib/tessera-lib.sh
insmod /lib/modules/tessera.ko
n=0
while [ ! -c /dev/tessera ] && [ $n -lt 20 ]; do sleep 0.1; n=$((n + 1)); done
tess-boot --timeout 300 --vcpus 2 --mark TESSERA-GUEST --cmdline "tessera.scenario=hello" /guest/linux/vmlinuz /guest/linux/initrd.img </dev/null
echo "rc=$?"
tess-dmesg | tail -n 30
