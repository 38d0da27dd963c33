#!/bin/bash
# test-completion.sh [TESS [SRCDIR]]: tests of the bash completion of tess
# (dom0-tools/tess/tess-completion.bash), no hypervisor needed.
#
# A stub `tess` on PATH (in a temporary directory) answers `help --verbs`,
# `help VERB` (as main.c's help_verb() prints it) and `list --all` (a fixed
# table). With TESS, the built binary, the stub passes `help` on to it, so
# the verbs and usage lines are the real table's. The completion function is
# driven as bash does it, through COMP_WORDS and COMP_CWORD.
# Prints "PASS: cli/completion-NAME" / "FAIL: cli/completion-NAME: why";
# exit 1 if anything failed.
set -uo pipefail

real=${1:-}
src=${2:-$(dirname "$0")/../..}
comp=$src/dom0-tools/tess/tess-completion.bash
failed=0

pass() { echo "PASS: cli/$1"; }
fail() { echo "FAIL: cli/$1: $2"; failed=1; }

if [[ ! -f $comp ]]; then
    fail completion "$comp missing"
    exit 1
fi
if [[ -n $real ]]; then
    if [[ ! -x $real ]]; then
        fail completion "$real is not an executable"
        exit 1
    fi
    real=$(realpath "$real")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/files/sub" "$work/files/old.xml.d"
touch "$work/files/web.xml" "$work/files/db.xml" "$work/files/notes.txt" \
    "$work/files/sub/inner.xml"

# The stub. Its table is main.c's; STUB_REAL replaces it by a real tess.
cat >"$work/bin/tess" <<'STUB'
#!/bin/bash
if [[ ${1:-} == help && -n ${STUB_REAL:-} ]]; then
    exec "$STUB_REAL" "$@"
fi
declare -A args=(
    [create]="FILE" [define]="FILE" [undefine]="DOMAIN" [start]="DOMAIN"
    [list]="[--all] [--json]" [info]="DOMAIN [--json]"
    [console]="DOMAIN [--timeout S]" [shutdown]="DOMAIN [--timeout S [--force]]"
    [reboot]="DOMAIN" [destroy]="DOMAIN" [pause]="DOMAIN" [unpause]="DOMAIN"
    [dumpxml]="DOMAIN" [dmesg]="[--clear]" [host-info]="[--json]" [validate]="FILE")
order="create define undefine start list info console shutdown reboot destroy pause
unpause dumpxml dmesg host-info validate"
case "${1:-} ${2:-}" in
"help --verbs")
    printf '%s\n' $order
    ;;
help\ *)
    if [[ -z ${args[$2]+set} ]]; then
        echo "error: unknown verb '$2' (tess help lists them)" >&2
        exit 1
    fi
    printf 'usage: tess %s %s\nsummary of %s.\nSee tess-%s(1).\n' "$2" "${args[$2]}" "$2" "$2"
    ;;
"list --all")
    if [[ -n ${STUB_LIST_FAIL:-} ]]; then
        echo "error: open: /dev/tessera: No such file or directory" >&2
        exit 1
    fi
    printf ' %-5s %-24s %s\n' Id Name State
    echo "------------------------------------------"
    printf ' %-5s %-24s %s\n' 0 dom0 running 3 web running 5 web-2 paused - db "shut off"
    ;;
*)
    echo "stub tess: unexpected arguments: $*" >&2
    exit 2
    ;;
esac
STUB
chmod +x "$work/bin/tess"
export PATH=$work/bin:$PATH
[[ -n $real ]] && export STUB_REAL=$real

# shellcheck source=/dev/null
if ! source "$comp"; then
    fail completion "sourcing $comp failed"
    exit 1
fi

# complete WORD...: run _tess on these COMP_WORDS, the last one being completed;
# prints the sorted COMPREPLY on one line (stderr of the run in $work/stderr).
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _tess tess "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$work/stderr"
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# check NAME EXPECTED WORD...: the completion of WORD... is exactly EXPECTED
# (words sorted, space separated; "" for none) and printed nothing on stderr.
check() {
    local name=$1 want got
    want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
    shift 2
    got=$(complete_words "$@")
    if [[ $got != "$want" ]]; then
        fail "completion-$name" "'$*' completed to '$got', expected '$want'"
    elif [[ -s $work/stderr ]]; then
        fail "completion-$name" "'$*' printed on stderr: $(head -n 2 "$work/stderr")"
    else
        pass "completion-$name"
    fi
}

verbs="create define undefine start list info console shutdown reboot destroy pause unpause"
verbs="$verbs dumpxml dmesg host-info validate"
domains="dom0 web web-2 db"

# Verbs
check verbs "$verbs help" tess ""
check verb-prefix "undefine unpause" tess un
check verb-host "host-info" tess ho
check global-options "--help --version" tess --
check help-verb "shutdown" tess help sh
check help-verbs-option "--verbs" tess help --v
check unknown-verb "" tess frobnicate ""

# DOMAIN: names from `tess list --all` (the shut off one too)
check domains "$domains" tess start ""
check domain-prefix "web web-2" tess info we
for v in undefine start info console shutdown reboot destroy pause unpause dumpxml; do
    got=$(complete_words tess "$v" d)
    [[ $got == "db dom0" ]] || fail "completion-domain-verbs" "'tess $v d' gave '$got'"
done
pass completion-domain-verbs
check domain-once "" tess destroy web ""
check domain-after-option "$domains" tess shutdown --timeout 30 ""
check domain-after-option-eq "$domains" tess shutdown --timeout = 30 ""
export STUB_LIST_FAIL=1
check no-hypervisor "" tess start ""
unset STUB_LIST_FAIL

# FILE: *.xml files and directories
cd "$work/files" || exit 1
check files "db.xml old.xml.d sub web.xml" tess define ""
check files-prefix "web.xml" tess create w
check files-dir "sub" tess validate sub
check files-in-dir "sub/inner.xml" tess validate sub/
check files-once "" tess validate web.xml ""
cd - >/dev/null || exit 1

# Options of each verb, as its usage line gives them
check options-list "--all --json" tess list --
check options-list-bare "--all --json" tess list ""
check options-list-used "--json" tess list --all --
check options-list-whole "--all" tess list --all
check options-info "--json" tess info web --
check options-console "--timeout" tess console web --
check options-shutdown "--force --timeout" tess shutdown web --
check options-shutdown-after "--force --timeout" tess shutdown web ""
check options-shutdown-used "--force" tess shutdown --timeout 5 web --
check options-dmesg "--clear" tess dmesg ""
check options-host-info "--json" tess host-info --
check options-none "" tess start --
check options-validate-none "" tess validate --
check timeout-value "" tess shutdown web --timeout ""
check timeout-value-eq "" tess console web --timeout = ""

# Registered for the command
if complete -p tess 2>/dev/null | grep -q -- "-F _tess"; then
    pass completion-registered
else
    fail completion-registered "complete -p tess: $(complete -p tess 2>&1)"
fi

# With a real tess: the verbs above are the ones of its table
if [[ -n $real ]]; then
    got=$("$real" help --verbs | tr '\n' ' ' | sed 's/ $//')
    if [[ $got == "$verbs" ]]; then
        pass completion-table
    else
        fail completion-table "$real help --verbs: '$got'; this test expects '$verbs'"
    fi
fi

exit $failed
