#!/bin/bash
# mkinitramfs-guest.sh [--modules DIR] OUT
# Build the initramfs of Linux children (gzip'd newc cpio): static busybox
# with applet links, /init (dom0-tools/guest-initramfs/init: loads the
# pvpanic modules, prints a banner "TESSERA-GUEST: cpus=N memory_mib=M",
# then runs the scenario named by tessera.scenario=NAME on the kernel
# command line and powers off, or gives a shell on the console with the
# ACPI power button handled by busybox acpid), the scenarios
# dom0-tools/guest-initramfs/*.sh other than init under /scenarios/, and
# four modules of the children's kernel under /lib/modules/: pvpanic.ko and
# pvpanic-mmio.ko (a panic then ends the child as crashed), button.ko and
# evdev.ko (a power-button press from dom0 reaches acpid, which powers off).
# --modules DIR (or GUEST_MODULES=DIR): the module tree of the kernel the
# children boot, lib/modules/<version>, holding kernel/drivers/misc/pvpanic/,
# kernel/drivers/acpi/button.ko and kernel/drivers/input/evdev.ko. Default:
# the Debian kernel package that scripts/fetch-linux.sh unpacked in
# LINUX_IMAGE_DIR (default cache/linux), DIR/pkg/lib/modules/<DIR/version>.
# When modinfo is there, each module's dependencies must be among these four.
# BUSYBOX=path overrides /bin/busybox. MMUBENCH=path (a static program,
# tests/bench/mmubench.c) is installed as /bin/mmubench for the "mmu"
# scenario of make bench.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/dom0-tools/guest-initramfs
busybox=${BUSYBOX:-/bin/busybox}
modules=${GUEST_MODULES:-}

while [[ $# -gt 0 ]]; do
    case $1 in
        --modules) modules=${2:?--modules needs a directory}; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        -*) echo "mkinitramfs-guest: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
out=${1:?usage: mkinitramfs-guest.sh [--modules DIR] OUT}

if [[ -z $modules ]]; then
    linux=${LINUX_IMAGE_DIR:-$top/cache/linux}
    if [[ ! -s $linux/version ]]; then
        echo "mkinitramfs-guest: $linux/version missing: run 'scripts/fetch-linux.sh $linux'" \
             "or give --modules DIR" >&2
        exit 1
    fi
    modules=$linux/pkg/lib/modules/$(cat "$linux/version")
fi
# name:path under the module tree, in the order /init loads them.
guest_modules=(
    pvpanic:kernel/drivers/misc/pvpanic/pvpanic.ko
    pvpanic-mmio:kernel/drivers/misc/pvpanic/pvpanic-mmio.ko
    evdev:kernel/drivers/input/evdev.ko
    button:kernel/drivers/acpi/button.ko
)
names=" ${guest_modules[*]%%:*} "
for entry in "${guest_modules[@]}"; do
    ko=$modules/${entry#*:}
    if [[ ! -f $ko ]]; then
        echo "mkinitramfs-guest: $ko missing (a module of the children's kernel; see" \
             "--modules)" >&2
        exit 1
    fi
    # /init loads them with plain insmod: nothing else may be needed first.
    if command -v modinfo >/dev/null; then
        for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
            if [[ $names != *" $dep "* ]]; then
                echo "mkinitramfs-guest: $ko needs $dep, which the initramfs lacks" >&2
                exit 1
            fi
        done
    fi
done

[[ -x $busybox ]] || { echo "mkinitramfs-guest: $busybox missing (busybox-static installed?)" >&2; exit 1; }
if readelf -l "$busybox" 2>/dev/null | grep -q INTERP; then
    echo "mkinitramfs-guest: $busybox is dynamically linked (the initramfs has no libc)" >&2
    exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,scenarios}
install -m 0755 "$busybox" "$root/bin/busybox"
while read -r applet; do
    [[ -z $applet || $applet == /bin/busybox ]] && continue
    [[ -e $root/$applet ]] && continue
    ln -s /bin/busybox "$root/$applet"
done < <("$busybox" --list-full)

install -m 0755 "$src/init" "$root/init"
if [[ -n ${MMUBENCH:-} ]]; then
    install -m 0755 "$MMUBENCH" "$root/bin/mmubench"
fi
mkdir -p "$root/lib/modules"
for entry in "${guest_modules[@]}"; do
    install -m 0644 "$modules/${entry#*:}" "$root/lib/modules/${entry%%:*}.ko"
done
for s in "$src"/*.sh; do
    [[ -e $s ]] && install -m 0755 "$s" "$root/scenarios/"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo 'PS1="guest# "' > "$root/etc/profile"
mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true

mkdir -p "$(dirname "$out")"
tmp=$out.tmp
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$tmp.cpio"
gzip -9 -n < "$tmp.cpio" > "$tmp"
rm -f "$tmp.cpio"
mv "$tmp" "$out"
echo "mkinitramfs-guest: $out ($(du -h "$out" | cut -f1))"
