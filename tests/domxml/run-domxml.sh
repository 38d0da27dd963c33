#!/bin/bash
# run-domxml.sh: the domxml test tier; make -C tests/domxml check-domxml runs
# it in the build directory tests/domxml.  Every check prints one line,
# "PASS: domxml/..." or "FAIL: domxml/...: why"; the last line counts them.
# Exit 1 if anything failed or nothing ran.
#
# Environment (from the Makefile): TD_SRCDIR, TOP_SRCDIR, FUZZ_OK (yes when
# configure found clang with libFuzzer), FUZZ_SECONDS, VIRT_XML_VALIDATE.
set -u

src=$(cd "${TD_SRCDIR:-.}" && pwd)
top=$(cd "${TOP_SRCDIR:-../..}" && pwd)
build=$(pwd)
check="$build/domxml-check"
validate=${VIRT_XML_VALIDATE:-}
passed=0
failed=0

pass() { echo "PASS: domxml/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL: domxml/$1: $2"; failed=$((failed + 1)); }

# The text of a "<!-- KEY: text -->" comment in a file (first one).
comment() {
    grep -ao "<!-- $1: .* -->" "$2" | head -n 1 | sed "s/^<!-- $1: //; s/ -->\$//"
}

# libvirt's own schema must accept it: the definition is portable.
libvirt_ok() { # NAME FILE
    local out
    if [[ -z $validate ]]; then
        fail "$1" "virt-xml-validate not found: install the Debian package 'libvirt-clients'"
    elif out=$("$validate" "$2" domain 2>&1); then
        pass "$1"
    else
        fail "$1" "virt-xml-validate refused it: $(echo "$out" | head -n 3 | tr '\n' ' ')"
    fi
}

unit_tests() {
    local out rc
    out=$(./test_domxml)
    rc=$?
    echo "$out"
    passed=$((passed + $(grep -c '^PASS: ' <<<"$out")))
    failed=$((failed + $(grep -c '^FAIL: ' <<<"$out")))
    if [[ $rc -ne 0 && $rc -ne 2 ]]; then
        fail unit "test_domxml crashed (exit status $rc)"
    fi
}

# bad/NAME.xml: the exact message, from <!-- expect: ... --> or NAME.expect;
# @FILE@ stands for the file name as passed, bad/NAME.xml.
bad_cases() {
    local f name want got rc
    for f in "$src"/bad/*.xml; do
        name=$(basename "$f" .xml)
        if [[ -f $src/bad/$name.expect ]]; then
            want=$(cat "$src/bad/$name.expect")
        else
            want=$(comment expect "$f")
        fi
        if [[ -z $want ]]; then
            fail "bad/$name" "no expected message in the file"
            continue
        fi
        want=${want//@FILE@/bad/$name.xml}
        got=$(cd "$src" && "$check" "bad/$name.xml" 2>&1)
        rc=$?
        if [[ $rc -eq 1 && $got == "$want" ]]; then
            pass "bad/$name"
        else
            fail "bad/$name" "expected '$want', got '$got' (exit $rc)"
        fi
        # Refused by Tessera for what it lacks, yet valid libvirt XML.
        if [[ $(comment libvirt "$f") == valid ]]; then
            libvirt_ok "bad-libvirt/$name" "$f"
        fi
    done
}

# good/NAME.xml: parses to the fields in <!-- expect: ... -->, formats and
# parses back the same, and with type='xen' it and its formatted form
# validate with libvirt.
good_cases() {
    local f name want got fmt
    fmt=$(mktemp --suffix=.xml)
    for f in "$src"/good/*.xml; do
        name=$(basename "$f" .xml)
        want=$(comment expect "$f")
        got=$("$check" --dump "$f" 2>&1)
        if [[ -n $want && $got == "$want" ]]; then
            pass "good/$name"
        else
            fail "good/$name" "expected '${want:-(no expect comment)}', got '$got'"
        fi
        got=$("$check" --roundtrip "$f" 2>&1)
        [[ $got == ok ]] && pass "good-roundtrip/$name" || fail "good-roundtrip/$name" "$got"
        if grep -q "<domain type=.xen.>" "$f"; then
            libvirt_ok "good-libvirt/$name" "$f"
            "$check" --format "$f" >"$fmt" 2>&1
            libvirt_ok "good-libvirt-formatted/$name" "$fmt"
        fi
    done
    rm -f "$fmt"
}

# examples/*.xml: one line each, for libdomxml and libvirt's validator both.
examples() {
    local f name got out
    for f in "$top"/examples/*.xml; do
        name=$(basename "$f" .xml)
        got=$("$check" "$f" 2>&1)
        if [[ $got != ok ]]; then
            fail "example/$name" "libdomxml: $got"
        elif [[ -z $validate ]]; then
            fail "example/$name" "virt-xml-validate not found: install the Debian package 'libvirt-clients'"
        elif ! out=$("$validate" "$f" domain 2>&1); then
            fail "example/$name" "virt-xml-validate: $(echo "$out" | head -n 3 | tr '\n' ' ')"
        else
            pass "example/$name"
        fi
    done
}

# The static link tess uses: ICU stubbed out keeps it a few MB, not 34.
static_link() {
    local size got
    if ! make --no-print-directory domxml-check-static >static.log 2>&1; then
        fail static-link "static link failed: $(tail -n 3 static.log | tr '\n' ' ')"
        return
    fi
    size=$(stat -c %s domxml-check-static)
    got=$(./domxml-check-static "$top/examples/linux-1vcpu.xml" 2>&1)
    if [[ $got != ok ]]; then
        fail static-link "static domxml-check on linux-1vcpu.xml: $got"
    elif [[ $size -gt 8000000 ]]; then
        fail static-link "static binary is $size bytes: is ICU linked in?"
    else
        pass "static-link ($size bytes)"
    fi
    if ! make --no-print-directory icu-stub-check-static >>static.log 2>&1; then
        fail icu-stub "static link failed: $(tail -n 3 static.log | tr '\n' ' ')"
    elif got=$(./icu-stub-check-static 2>&1); then
        pass icu-stub
    else
        fail icu-stub "$got"
    fi
}

fuzz() {
    local runs
    if [[ ${FUZZ_OK:-no} != yes ]]; then
        fail fuzz "clang with libFuzzer not found: install the Debian packages 'clang' and 'libclang-rt-14-dev', then rerun configure"
        return
    fi
    if ! make --no-print-directory fuzz_domxml >fuzz-build.log 2>&1; then
        fail fuzz "build failed: $(tail -n 3 fuzz-build.log | tr '\n' ' ')"
        return
    fi
    rm -rf fuzz-work
    mkdir -p fuzz-work/corpus
    if ./fuzz_domxml -max_total_time="${FUZZ_SECONDS:-60}" -detect_leaks=1 -timeout=10 \
        -rss_limit_mb=2048 -max_len=8192 -dict="$src/fuzz.dict" -print_final_stats=1 \
        -artifact_prefix=fuzz-work/ fuzz-work/corpus "$top/examples" "$src/good" "$src/bad" \
        >fuzz-work/log 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz-work/log)
        pass "fuzz (${runs:-?} runs in ${FUZZ_SECONDS:-60} s)"
    else
        tail -n 30 fuzz-work/log >&2
        fail fuzz "fuzz_domxml failed; log and crashing input in $build/fuzz-work"
    fi
}

# Every input the fuzzer found that Tessera accepts with type='xen' must be
# valid for libvirt too: the schema and checks are no looser than libvirt's.
fuzz_vs_libvirt() {
    local f n=0 bad=0 first=
    if [[ ! -d fuzz-work/corpus ]]; then
        fail fuzz-libvirt "no fuzz corpus (the fuzz run did not happen)"
        return
    fi
    if [[ -z $validate ]]; then
        fail fuzz-libvirt "virt-xml-validate not found: install the Debian package 'libvirt-clients'"
        return
    fi
    for f in fuzz-work/corpus/*; do
        [[ $("$check" --dump "$f" 2>/dev/null) == "type=xen "* ]] || continue
        n=$((n + 1))
        if ! "$validate" "$f" domain >/dev/null 2>&1; then
            bad=$((bad + 1))
            first=${first:-$f}
        fi
    done
    if [[ $bad -eq 0 && $n -gt 0 ]]; then
        pass "fuzz-libvirt ($n accepted inputs, all valid for libvirt)"
    else
        fail fuzz-libvirt "$bad of $n accepted inputs refused by libvirt, e.g. $build/$first"
    fi
}

unit_tests
bad_cases
good_cases
examples
static_link
fuzz
fuzz_vs_libvirt
echo "domxml tests: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
