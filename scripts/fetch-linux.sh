#!/bin/bash
# fetch-linux.sh DIR -- fetch the Debian kernel used for dom0 (and later guests)
# into DIR without installing it: DIR/pkg (unpacked .deb), DIR/vmlinuz, DIR/version.
# The host's /boot is never touched. Idempotent: does nothing if DIR/vmlinuz exists.
set -euo pipefail

dir=${1:?usage: fetch-linux.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [[ -s $dir/vmlinuz && -s $dir/version ]]; then
    echo "fetch-linux: $dir/vmlinuz already present ($(cat "$dir/version"))"
    exit 0
fi

# Prefer the ABI of the installed linux-headers-amd64 so modules built against
# the configured headers load into this kernel.
pkg=""
hdr=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null || true)
if [[ $hdr =~ linux-headers-([0-9][^ ,]*-amd64) ]]; then
    pkg="linux-image-${BASH_REMATCH[1]}"
    apt-cache show "$pkg" >/dev/null 2>&1 || pkg=""
fi
if [[ -z $pkg ]]; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null \
          | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
fi
if [[ -z $pkg ]]; then
    echo "fetch-linux: cannot resolve linux-image-amd64's kernel package (run apt-get update?)" >&2
    exit 1
fi

echo "fetch-linux: downloading $pkg"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download drops privileges to _apt; give it a directory it can write.
chmod 777 "$work"
(cd "$work" && apt-get download "$pkg")
deb=$(ls "$work"/*.deb | head -n1)

rm -rf "$dir/pkg"
dpkg -x "$deb" "$dir/pkg"
kimg=$(ls "$dir"/pkg/boot/vmlinuz-* | head -n1)
cp "$kimg" "$dir/vmlinuz.tmp"
mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
basename "$kimg" | sed 's/^vmlinuz-//' > "$dir/version"
echo "fetch-linux: $dir/vmlinuz ($(cat "$dir/version"))"
