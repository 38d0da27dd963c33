# Shared steps of scripts/demo.sh and scripts/check.sh (sourced, bash).
# Installs missing Debian packages, fetches the dom0 kernel, configures and builds.

# Debian packages the build, the ISO and the tests need.
TESS_PACKAGES=(
    gcc make binutils libc6-dev autoconf automake libtool pkg-config
    grub-common grub-pc-bin xorriso mtools qemu-system-x86
    busybox-static cpio libxml2-dev uuid-dev python3 linux-headers-amd64
    libvirt-clients clang libclang-rt-14-dev
)

tess_install_packages() {
    local missing=() p
    for p in "${TESS_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    echo "quickstart: installing ${missing[*]}"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

tess_build() {
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    tess_install_packages
    bash scripts/fetch-linux.sh cache/linux
    if [[ ! -x configure || configure.ac -nt configure ]]; then
        autoreconf -fi
    fi
    ./configure --with-linux-image-dir="$PWD/cache/linux"
    make -j"$(nproc)"
}
