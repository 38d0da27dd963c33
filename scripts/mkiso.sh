#!/bin/bash
# mkiso.sh -o OUT.iso --hv ELF --kernel VMLINUZ --initrd IMG
#          [--hv-cmdline '...'] [--dom0-cmdline '...']
# Build a BIOS (i386-pc) GRUB rescue ISO that boots the Tessera hypervisor
# via Multiboot2 with the dom0 kernel and initramfs as modules, serial console
# on COM1 at 115200, no menu delay.
set -euo pipefail

out="" hv="" kernel="" initrd=""
hv_cmdline="console=com1 loglvl=info dom0_mem=1024M"
dom0_cmdline="console=ttyS0,115200"

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
    case $1 in
        -o) out=$2; shift 2 ;;
        --hv) hv=$2; shift 2 ;;
        --kernel) kernel=$2; shift 2 ;;
        --initrd) initrd=$2; shift 2 ;;
        --hv-cmdline) hv_cmdline=$2; shift 2 ;;
        --dom0-cmdline) dom0_cmdline=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "mkiso: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ -n $out && -n $hv && -n $kernel && -n $initrd ]] || { usage >&2; exit 2; }
for f in "$hv" "$kernel" "$initrd"; do
    [[ -f $f ]] || { echo "mkiso: $f not found" >&2; exit 1; }
done
for c in "$hv_cmdline" "$dom0_cmdline"; do
    # Keep grub.cfg free of quoting surprises.
    [[ $c != *[\"\'\;\$\\\{\}]* ]] || { echo "mkiso: unsupported character in command line: $c" >&2; exit 1; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$hv" "$stage/boot/tessera.elf"
cp "$kernel" "$stage/boot/vmlinuz"
cp "$initrd" "$stage/boot/dom0-initrd.img"

cat > "$stage/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
set default=0

menuentry "Tessera" {
    multiboot2 /boot/tessera.elf $hv_cmdline
    module2 /boot/vmlinuz $dom0_cmdline
    module2 /boot/dom0-initrd.img
    boot
}
CFG

mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out.tmp" "$stage" > "$stage.log" 2>&1; then
    cat "$stage.log" >&2; rm -f "$stage.log" "$out.tmp"
    echo "mkiso: grub-mkrescue failed (packages grub-pc-bin, grub-common, xorriso, mtools)" >&2
    exit 1
fi
rm -f "$stage.log"
mv "$out.tmp" "$out"
echo "mkiso: $out"
