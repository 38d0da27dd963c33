#!/bin/sh
# check-elf.sh ELF...: each test kernel is an ELF64 x86-64 EXEC whose entry is
# _start, whose PT_LOAD segments lie in [0x100000, 0x200000) with
# physical = virtual, without INTERP or DYNAMIC, and whose code makes
# hypercalls (VMMCALL). Prints "ok <elf>" or "FAIL <elf>: <why>" lines;
# exits 1 if any failed.
READELF=${READELF:-readelf}
OBJDUMP=${OBJDUMP:-objdump}
rc=0
for elf in "$@"; do
    why=$(
        hdr=$("$READELF" -hW "$elf") || { echo "not readable"; exit; }
        echo "$hdr" | grep -q 'Class:.*ELF64' || echo "not ELF64"
        echo "$hdr" | grep -q 'Type:.*EXEC' || echo "not EXEC"
        echo "$hdr" | grep -q 'Machine:.*X86-64' || echo "not x86-64"
        entry=$(echo "$hdr" | awk '/Entry point address:/ {print $4}')
        start=$("$READELF" -sW "$elf" | awk '$8 == "_start" {print "0x" $2}')
        [ -n "$start" ] && [ $((entry)) -eq $((start)) ] || echo "entry $entry is not _start ($start)"
        ph=$("$READELF" -lW "$elf")
        echo "$ph" | grep -qw INTERP && echo "has INTERP"
        echo "$ph" | grep -qw DYNAMIC && echo "has DYNAMIC"
        "$READELF" -dW "$elf" | grep -q 'no dynamic section' || echo "has a dynamic section"
        loads=$(echo "$ph" | grep '^ *LOAD ')
        [ -n "$loads" ] || echo "no PT_LOAD"
        n=0
        echo "$loads" | while read -r _ _ va pa fsz msz _; do
            [ -n "$va" ] || continue
            n=$((n + 1))
            [ $((va)) -eq $((pa)) ] || echo "LOAD at $va has paddr $pa"
            [ $((va)) -ge $((0x100000)) ] && [ $((va + msz)) -le $((0x200000)) ] ||
                echo "LOAD $va+$msz outside [0x100000, 0x200000)"
            [ $n -ne 1 ] || [ $((va)) -eq $((0x100000)) ] || echo "first LOAD at $va, not 0x100000"
            [ $((fsz)) -le $((msz)) ] || echo "LOAD $va filesz > memsz"
        done
        "$OBJDUMP" -d "$elf" | grep -q 'vmmcall' || echo "no vmmcall in the code"
    )
    if [ -n "$why" ]; then
        echo "FAIL $elf: $(echo "$why" | paste -sd ';' -)"
        rc=1
    else
        echo "ok $elf"
    fi
done
exit $rc
