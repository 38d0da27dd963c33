#!/bin/bash
# mkinitramfs-guest.sh OUT
# Build the initramfs of Linux children (gzip'd newc cpio): static busybox
# with applet links, /init (dom0-tools/guest-initramfs/init: a banner
# "TESSERA-GUEST: cpus=N memory_mib=M", then the scenario named by
# tessera.scenario=NAME on the kernel command line and poweroff, or a shell
# on the console) and the scenarios dom0-tools/guest-initramfs/*.sh other
# than init under /scenarios/.
# BUSYBOX=path overrides /bin/busybox.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/dom0-tools/guest-initramfs
busybox=${BUSYBOX:-/bin/busybox}

case ${1:-} in
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
esac
out=${1:?usage: mkinitramfs-guest.sh OUT}

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
