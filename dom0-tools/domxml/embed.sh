#!/bin/sh
# embed.sh FILE SYMBOL: print FILE as C source defining
#   const unsigned char SYMBOL_data[];  const size_t SYMBOL_size;
# so the library carries the schema instead of reading it at run time.
# od and sed only, which every build host has (xxd is not always there).
set -e
[ $# -eq 2 ] || { echo "usage: embed.sh FILE SYMBOL" >&2; exit 2; }
echo "/* Generated from $(basename "$1") by embed.sh: do not edit. */"
echo "#include <stddef.h>"
echo "const unsigned char ${2}_data[] = {"
od -An -v -tx1 "$1" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
echo "};"
echo "const size_t ${2}_size = sizeof(${2}_data);"
