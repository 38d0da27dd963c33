#!/bin/bash
# check-man.sh [TESS [SRCDIR]]: the man pages of the tess CLI match its verbs.
#   TESS    the built tess binary (default dom0-tools/tess/tess)
#   SRCDIR  the source tree holding docs/man (default .)
# For every verb of `tess help --verbs`: docs/man/tess-VERB.1 exists, renders
# with `man -l` without warnings, and its rendered SYNOPSIS holds the usage
# line of `tess help VERB` (without "usage: "). Every docs/man/tess-*.1 must
# name a real verb, and docs/man/tess.1 must render without warnings too.
# Prints "PASS: cli/man-VERB" / "FAIL: cli/man-VERB: why"; exit 1 on a failure.
set -uo pipefail

tess=${1:-dom0-tools/tess/tess}
src=${2:-.}
mandir=$src/docs/man
failed=0

pass() { echo "PASS: cli/$1"; }
fail() { echo "FAIL: cli/$1: $2"; failed=1; }

# The C locale renders for an ASCII device: "\-" and "-" both come out as "-",
# and quotes as ASCII, whatever the local groff's UTF-8 choices are.
export LC_ALL=C MANWIDTH=200 MANPAGER=cat PAGER=cat
unset MAN_KEEP_FORMATTING

# render FILE: the page as plain text (no overstrike, whatever man does).
render() {
    if command -v col >/dev/null 2>&1; then
        man -l "$1" 2>/dev/null | col -bx
    else
        man -l "$1" 2>/dev/null
    fi
}

# warnings FILE: what man (groff) says about the page on stderr (stdout dropped).
# shellcheck disable=SC2069
warnings() { man --warnings -l "$1" 2>&1 >/dev/null; }

# synopsis: the SYNOPSIS section of a rendered page on stdin, lines trimmed.
synopsis() {
    awk '/^SYNOPSIS$/ { on = 1; next } on && /^[^ \t]/ { exit } on { print }' |
        sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'
}

if [[ ! -x $tess ]]; then
    fail man "$tess is not an executable (build tess first)"
    exit 1
fi
if ! command -v man >/dev/null 2>&1; then
    fail man "man (man-db) is not installed"
    exit 1
fi
if [[ ! -d $mandir ]]; then
    fail man "no directory $mandir"
    exit 1
fi

if ! verbs=$("$tess" help --verbs) || [[ -z $verbs ]]; then
    fail man "'$tess help --verbs' failed or printed nothing"
    exit 1
fi

for v in $verbs; do
    page=$mandir/tess-$v.1
    if [[ ! -f $page ]]; then
        fail "man-$v" "$page missing"
        continue
    fi
    w=$(warnings "$page")
    if [[ -n $w ]]; then
        fail "man-$v" "man --warnings: $(echo "$w" | head -n 3 | tr '\n' ' ')"
        continue
    fi
    usage=$("$tess" help "$v" | head -n 1)
    want=${usage#usage: }
    if [[ $usage != "usage: "* || -z $want ]]; then
        fail "man-$v" "'tess help $v' does not start with 'usage: ': $usage"
        continue
    fi
    syn=$(render "$page" | synopsis)
    if [[ -z $syn ]]; then
        fail "man-$v" "no SYNOPSIS section in the rendered page"
    elif ! grep -qF -- "$want" <<<"$syn"; then
        fail "man-$v" "SYNOPSIS lacks '$want' (it has: $(echo "$syn" | tr '\n' '|'))"
    else
        pass "man-$v"
    fi
done

# Pages for verbs that do not exist (renamed or removed verbs).
for page in "$mandir"/tess-*.1; do
    [[ -e $page ]] || continue
    v=${page##*/tess-}
    v=${v%.1}
    if ! grep -qxF -- "$v" <<<"$verbs"; then
        fail "man-$v" "$page names no verb of '$tess help --verbs'"
    fi
done

# The overview page.
if [[ ! -f $mandir/tess.1 ]]; then
    fail man-tess "$mandir/tess.1 missing"
else
    w=$(warnings "$mandir/tess.1")
    if [[ -z $w ]]; then
        pass man-tess
    else
        fail man-tess "man --warnings: $(echo "$w" | head -n 3 | tr '\n' ' ')"
    fi
fi

exit $failed
