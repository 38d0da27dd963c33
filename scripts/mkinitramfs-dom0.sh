#!/bin/bash
# mkinitramfs-dom0.sh [--probe TESS_PROBE] [--module TESSERA_KO] [--tess-run TESS_RUN]
#                     [--tess-fuzz BIN] [--tess-dmesg BIN] [--tess-abi-check BIN]
#                     [--guest-dir DIR] [--tess-boot BIN] [--tess-console BIN]
#                     [--guest-kernel BZIMAGE]
#                     [--guest-initrd IMG] [--tess BIN] OUT
# Build the dom0 initramfs (gzip'd newc cpio): static busybox with applet
# links, tess-probe, /init, /lib/tessera-lib.sh and tests/system/scenarios/*.sh
# under /scenarios/; when they exist, /lib/modules/tessera.ko, /bin/tess-run,
# /bin/tess-fuzz, /bin/tess-dmesg, /bin/tess-abi-check, /bin/tess-boot,
# /bin/tess-console, the test kernels DIR/*.elf
# under /guest/, and the Linux child's kernel and initramfs
# (scripts/mkinitramfs-guest.sh) as /guest/linux/vmlinuz and
# /guest/linux/initrd.img, the tess CLI as /bin/tess with the domain
# definitions of examples/ under /usr/share/tessera/examples (their
# kernel and initrd paths, /var/lib/tessera/boot/vmlinuz and
# guest-initrd.img, link to the Linux child's files).
# BUSYBOX=path overrides /bin/busybox.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
probe=$top/dom0-tools/probe/tess-probe
module=$top/pv-drivers/dom0/tessera.ko
tess_run=$top/dom0-tools/tess-run/tess-run
tess_fuzz=$top/dom0-tools/tess-fuzz/tess-fuzz
tess_dmesg=$top/dom0-tools/tess-dmesg/tess-dmesg
tess_abi_check=$top/dom0-tools/tess-abi-check/tess-abi-check
guest_dir=$top/tests/guest/build
tess_boot=$top/dom0-tools/tess-boot/tess-boot
tess_console=$top/dom0-tools/tess-console/tess-console
tess_cli=$top/dom0-tools/tess/tess
guest_kernel=
guest_initrd=
busybox=${BUSYBOX:-/bin/busybox}

while [[ $# -gt 0 ]]; do
    case $1 in
        --probe) probe=$2; shift 2 ;;
        --module) module=$2; shift 2 ;;
        --tess-run) tess_run=$2; shift 2 ;;
        --tess-fuzz) tess_fuzz=$2; shift 2 ;;
        --tess-dmesg) tess_dmesg=$2; shift 2 ;;
        --tess-abi-check) tess_abi_check=$2; shift 2 ;;
        --guest-dir) guest_dir=$2; shift 2 ;;
        --tess-boot) tess_boot=$2; shift 2 ;;
        --tess-console) tess_console=$2; shift 2 ;;
        --guest-kernel) guest_kernel=$2; shift 2 ;;
        --guest-initrd) guest_initrd=$2; shift 2 ;;
        --tess) tess_cli=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        -*) echo "mkinitramfs-dom0: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
out=${1:?usage: mkinitramfs-dom0.sh [--probe TESS_PROBE] [--module KO] [--tess-run BIN] [--tess-fuzz BIN] [--tess-dmesg BIN] [--tess-abi-check BIN] [--guest-dir DIR] [--tess-boot BIN] [--tess-console BIN] [--guest-kernel BZIMAGE] [--guest-initrd IMG] [--tess BIN] OUT}

for f in "$busybox" "$probe"; do
    [[ -x $f ]] || { echo "mkinitramfs-dom0: $f missing (busybox-static installed? make run?)" >&2; exit 1; }
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,lib,etc,scenarios}
install -m 0755 "$busybox" "$root/bin/busybox"
# One symlink per applet, at the path busybox itself suggests (bin/ls, sbin/poweroff...).
while read -r applet; do
    [[ -z $applet || $applet == /bin/busybox ]] && continue
    [[ -e $root/$applet ]] && continue
    ln -s /bin/busybox "$root/$applet"
done < <("$busybox" --list-full)

install -m 0755 "$probe" "$root/bin/tess-probe"
# The control path, when built: missing pieces only leave the children
# scenario failing, not the initramfs unbuildable.
if [[ -f $module ]]; then
    mkdir -p "$root/lib/modules"
    install -m 0644 "$module" "$root/lib/modules/tessera.ko"
else
    echo "mkinitramfs-dom0: note: $module not built; /lib/modules/tessera.ko left out" >&2
fi
# install_tool BIN NAME: a static dom0 tool as /bin/NAME, when built.
install_tool() {
    local bin=$1 name=$2
    if [[ -x $bin ]]; then
        if readelf -l "$bin" 2>/dev/null | grep -q INTERP; then
            echo "mkinitramfs-dom0: $bin is dynamically linked (the initramfs has no libc)" >&2
            exit 1
        fi
        install -m 0755 "$bin" "$root/bin/$name"
    else
        echo "mkinitramfs-dom0: note: $bin not built; /bin/$name left out" >&2
    fi
}
install_tool "$tess_run" tess-run
install_tool "$tess_fuzz" tess-fuzz
install_tool "$tess_dmesg" tess-dmesg
install_tool "$tess_abi_check" tess-abi-check
install_tool "$tess_boot" tess-boot
install_tool "$tess_console" tess-console
install_tool "$tess_cli" tess
# Domain definitions for tess, and the files they name.
mkdir -p "$root/usr/share/tessera/examples" "$root/var/lib/tessera/boot"
for x in "$top"/examples/*.xml; do
    [[ -e $x ]] && install -m 0644 "$x" "$root/usr/share/tessera/examples/"
done
ln -s /guest/linux/vmlinuz "$root/var/lib/tessera/boot/vmlinuz"
ln -s /guest/linux/initrd.img "$root/var/lib/tessera/boot/guest-initrd.img"
nguest=0
if [[ -d $guest_dir ]]; then
    for g in "$guest_dir"/*.elf; do
        [[ -f $g ]] || continue
        mkdir -p "$root/guest"
        install -m 0644 "$g" "$root/guest/"
        nguest=$((nguest + 1))
    done
fi
[[ $nguest -gt 0 ]] || echo "mkinitramfs-dom0: note: no test kernels in $guest_dir; /guest left empty" >&2
# The Linux child: a bzImage (the dom0 kernel) and its initramfs.
for pair in "vmlinuz:$guest_kernel" "initrd.img:$guest_initrd"; do
    name=${pair%%:*} file=${pair#*:}
    [[ -n $file ]] || continue
    if [[ -f $file ]]; then
        mkdir -p "$root/guest/linux"
        install -m 0644 "$file" "$root/guest/linux/$name"
    else
        echo "mkinitramfs-dom0: note: $file missing; /guest/linux/$name left out" >&2
    fi
done
install -m 0755 "$top/dom0-tools/initramfs/init" "$root/init"
install -m 0644 "$top/dom0-tools/initramfs/tessera-lib.sh" "$root/lib/tessera-lib.sh"
for s in "$top"/tests/system/scenarios/*.sh; do
    [[ -e $s ]] && install -m 0755 "$s" "$root/scenarios/"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo 'PS1="dom0# "' > "$root/etc/profile"

# /dev/console lets /init talk to the console before devtmpfs is mounted.  The
# kernel's built-in initramfs also provides it, so skip it if we cannot mknod.
mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true

mkdir -p "$(dirname "$out")"
tmp=$out.tmp
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$tmp.cpio"
gzip -9 -n < "$tmp.cpio" > "$tmp"
rm -f "$tmp.cpio"
mv "$tmp" "$out"
echo "mkinitramfs-dom0: $out ($(du -h "$out" | cut -f1))"
