#!/bin/bash
# mkinitramfs-dom0.sh [--probe TESS_PROBE] OUT
# Build the dom0 initramfs (gzip'd newc cpio): static busybox with applet
# links, tess-probe, /init, /lib/tessera-lib.sh and tests/system/scenarios/*.sh
# under /scenarios/.  BUSYBOX=path overrides /bin/busybox.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
probe=$top/dom0-tools/probe/tess-probe
busybox=${BUSYBOX:-/bin/busybox}

while [[ $# -gt 0 ]]; do
    case $1 in
        --probe) probe=$2; shift 2 ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        -*) echo "mkinitramfs-dom0: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
out=${1:?usage: mkinitramfs-dom0.sh [--probe TESS_PROBE] OUT}

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
