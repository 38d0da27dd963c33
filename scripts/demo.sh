#!/bin/bash
# Quick start: build everything and boot Tessera with an interactive dom0
# shell on this terminal (Ctrl-A X quits QEMU).
set -euo pipefail
. "$(dirname "$0")/quickstart-lib.sh"
tess_build
make demo
