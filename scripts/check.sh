#!/bin/bash
# Quick start: build everything and run the whole test suite (make check).
set -euo pipefail
. "$(dirname "$0")/quickstart-lib.sh"
tess_build
make --no-print-directory check
