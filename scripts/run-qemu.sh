#!/bin/bash
# run-qemu.sh ISO [--smp N] [--mem MiB] [--no-npt] [--accel A] [--log FILE] [--timeout S]
# Boot a Tessera ISO interactively under QEMU TCG with AMD SVM emulated.
# The serial console is on this terminal; Ctrl-A X quits, Ctrl-A C toggles
# the QEMU monitor.  --log also copies the serial output to FILE.
set -euo pipefail

iso="" smp=2 mem=2048 cpu="qemu64,+svm,+npt" log="" timeout_s="" accel=tcg
while [[ $# -gt 0 ]]; do
    case $1 in
        --smp) smp=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --no-npt) cpu="qemu64,+svm"; shift ;;
        --accel) accel=$2; shift 2 ;;
        --log) log=$2; shift 2 ;;
        --timeout) timeout_s=$2; shift 2 ;;
        -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run-qemu: unknown option $1" >&2; exit 2 ;;
        *) [[ -z $iso ]] || { echo "run-qemu: one ISO only" >&2; exit 2; }; iso=$1; shift ;;
    esac
done
[[ -n $iso && -f $iso ]] || { echo "usage: run-qemu.sh ISO [--smp N] [--mem MiB] [--no-npt] [--accel A] [--log FILE] [--timeout S]" >&2; exit 2; }

args=(-accel "$accel" -cpu "$cpu" -smp "$smp" -m "$mem" -no-reboot -cdrom "$iso")
if [[ -n $log ]]; then
    # Same console as -serial mon:stdio, plus a copy of everything in $log.
    args+=(-display none -chardev "stdio,id=con0,mux=on,signal=off,logfile=$log"
           -serial chardev:con0 -mon chardev=con0,mode=readline)
else
    args+=(-nographic -serial mon:stdio)
fi

echo "run-qemu: Ctrl-A X quits QEMU" >&2
if [[ -n $timeout_s ]]; then
    exec timeout --foreground "$timeout_s" qemu-system-x86_64 "${args[@]}"
fi
exec qemu-system-x86_64 "${args[@]}"
