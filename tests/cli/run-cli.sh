#!/bin/bash
# run-cli.sh TESS SRCDIR: host tests of the tess CLI (no hypervisor needed).
#   - help: every verb has a usage line; unknown verbs and options are
#     usage errors (exit 2); verbs that need /dev/tessera say so (exit 1)
#   - every example validates and defines; dumpxml gives back an equal,
#     valid definition; undefine removes it
#   - every broken definition of tests/domxml/bad/ is refused by `tess
#     define` with its expected message (file, line and column) and leaves
#     the state directory empty (nothing created)
#   - define keeps a domain's UUID; a clash of names/UUIDs is refused
#   - the man pages and the bash completion (tests/cli/check-man.sh,
#     tests/cli/test-completion.sh)
# Prints "PASS: cli/NAME" / "FAIL: cli/NAME: why"; exit 1 if anything failed.
set -uo pipefail

tess=$(realpath "${1:-dom0-tools/tess/tess}")
src=$(realpath "${2:-.}")
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TESS_STATE_DIR=$work/state

pass() { echo "PASS: cli/$1"; }
fail() { echo "FAIL: cli/$1: $2"; failed=1; }

# run ARGS...: tess ARGS with stdout in $work/out, stderr in $work/err, status in $rc.
run() {
    "$tess" "$@" >"$work/out" 2>"$work/err"
    rc=$?
}

if [[ ! -x $tess ]]; then
    fail build "$tess not built"
    exit 1
fi

# --- help and usage errors ---------------------------------------------------------
run help
verbs=$("$tess" help --verbs)
if [[ $rc -eq 0 && $(echo "$verbs" | wc -l) -ge 16 ]]; then
    pass help
else
    fail help "tess help exited $rc or lists fewer than 16 verbs"
fi
bad_help=
for v in $verbs; do
    run help "$v"
    grep -q "^usage: tess $v" "$work/out" || bad_help="$bad_help $v"
done
[[ -z $bad_help ]] && pass help-verbs || fail help-verbs "no usage line for:$bad_help"
run frobnicate
[[ $rc -eq 2 ]] && grep -q "^error: unknown verb 'frobnicate'" "$work/err" &&
    pass unknown-verb || fail unknown-verb "exit $rc: $(cat "$work/err")"
run validate --bogus x.xml
[[ $rc -eq 2 ]] && grep -q "^error: bad option '--bogus'" "$work/err" &&
    grep -q "^usage: tess validate FILE" "$work/err" &&
    pass bad-option || fail bad-option "exit $rc: $(cat "$work/err")"
run validate
[[ $rc -eq 2 ]] && grep -q "^error: missing argument" "$work/err" &&
    pass missing-argument || fail missing-argument "exit $rc: $(cat "$work/err")"
if [[ ! -e /dev/tessera ]]; then
    run list
    [[ $rc -eq 1 ]] && grep -q "^error: .*tessera" "$work/err" &&
        pass no-hypervisor || fail no-hypervisor "exit $rc: $(cat "$work/err")"
fi

# --- examples: validate, define, dumpxml, undefine -----------------------------------------
n=0
for x in "$src"/examples/*.xml; do
    [[ -e $x ]] || continue
    n=$((n + 1))
    base=$(basename "$x" .xml)
    name=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$x" | head -n 1)
    run validate "$x"
    [[ $rc -eq 0 ]] && pass "validate-$base" || fail "validate-$base" "$(cat "$work/err")"
    run define "$x"
    if [[ $rc -ne 0 || ! -f $TESS_STATE_DIR/domains/$name.xml ]]; then
        fail "define-$base" "exit $rc: $(cat "$work/err")"
        continue
    fi
    uuid=$(sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' "$TESS_STATE_DIR/domains/$name.xml")
    run dumpxml "$name"
    cp "$work/out" "$work/dump.xml"
    if [[ $rc -eq 0 ]] && cmp -s "$work/dump.xml" "$TESS_STATE_DIR/domains/$name.xml" &&
       "$tess" validate "$work/dump.xml" >/dev/null 2>&1 && [[ ${#uuid} -eq 36 ]]; then
        pass "define-$base"
    else
        fail "define-$base" "dumpxml differs from the stored file, does not validate, or no UUID"
    fi
    # Defining it again keeps the UUID; the same name with another UUID is refused.
    run define "$x"
    uuid2=$(sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' "$TESS_STATE_DIR/domains/$name.xml")
    sed "s:<uuid>[^<]*</uuid>::; s:</name>:</name><uuid>00000000-0000-4000-8000-000000000001</uuid>:" \
        "$x" > "$work/other-uuid.xml"
    "$tess" define "$work/other-uuid.xml" >/dev/null 2>"$work/err2"
    rc2=$?
    if [[ $rc -eq 0 && $uuid2 == "$uuid" && $rc2 -eq 1 ]] &&
       grep -q "^error: domain '$name' is already defined with UUID $uuid" "$work/err2"; then
        pass "redefine-$base"
    else
        fail "redefine-$base" "redefine exit $rc (UUID $uuid -> $uuid2); other UUID exit $rc2: $(cat "$work/err2")"
    fi
    run undefine "$name"
    [[ $rc -eq 0 && ! -e $TESS_STATE_DIR/domains/$name.xml ]] && pass "undefine-$base" ||
        fail "undefine-$base" "exit $rc: $(cat "$work/err")"
done
[[ $n -ge 3 ]] && pass examples || fail examples "fewer than 3 examples in $src/examples"
run undefine no-such-domain
[[ $rc -eq 1 ]] && grep -q "^error: no domain 'no-such-domain'" "$work/err" &&
    pass undefine-unknown || fail undefine-unknown "exit $rc: $(cat "$work/err")"

# --- broken definitions: the expected error, nothing created ---------------------------------
bad_dir=$src/tests/domxml/bad
rm -rf "$TESS_STATE_DIR"
nbad=0
for f in "$bad_dir"/*.xml; do
    [[ -e $f ]] || continue
    nbad=$((nbad + 1))
    base=$(basename "$f" .xml)
    if [[ -f $bad_dir/$base.expect ]]; then
        expect=$(cat "$bad_dir/$base.expect")
    else
        expect=$(tr -d '\r' < "$f" | sed -n 's/^.*<!-- expect: \(.*\) -->$/\1/p' | head -n 1)
    fi
    expect=${expect//@FILE@/$f}
    run define "$f"
    if [[ -z $expect ]]; then
        fail "bad-$base" "no '<!-- expect: ... -->' line in $f (nor $base.expect)"
    elif [[ $rc -ne 1 ]]; then
        fail "bad-$base" "tess define exited $rc, 1 expected"
    elif [[ $(cat "$work/err") != "error: $expect" ]]; then
        fail "bad-$base" "got '$(cat "$work/err")', expected 'error: $expect'"
    elif [[ -n $(ls -A "$TESS_STATE_DIR/domains" 2>/dev/null) ]]; then
        fail "bad-$base" "something was created: $(ls -A "$TESS_STATE_DIR/domains")"
    else
        pass "bad-$base"
    fi
done
[[ $nbad -ge 20 ]] && pass bad-table || fail bad-table "only $nbad broken definitions in $bad_dir"

# --- man pages and completion -----------------------------------------------------------------
for t in check-man.sh test-completion.sh; do
    if [[ -f $src/tests/cli/$t ]]; then
        bash "$src/tests/cli/$t" "$tess" "$src" || failed=1
    else
        fail "${t%.sh}" "$src/tests/cli/$t missing"
    fi
done
exit $failed
