# bash completion for tess(1), the Tessera dom0 command line.  -*- shell-script -*-
# SPDX-License-Identifier: MIT
#
# Install as /usr/share/bash-completion/completions/tess, or source it.
#
# Everything comes from tess itself, so it follows main.c's verb table:
#   - the verbs from `tess help --verbs`;
#   - a verb's arguments and options from the usage line of `tess help VERB`
#     ("usage: tess shutdown DOMAIN [--timeout S [--force]]"): DOMAIN completes
#     domain names, FILE completes *.xml files, "--opt WORD" takes a value;
#   - domain names from `tess list --all`: the second column of the table,
#     after its two header lines.
# Tested by tests/cli/test-completion.sh.

# _tess_usage TESS VERB: the ARGS part of VERB's usage line, or fail.
_tess_usage()
{
    local line
    line=$("$1" help "$2" 2>/dev/null | head -n 1)
    [[ $line == "usage: tess $2"* ]] || return 1
    printf '%s\n' "${line#"usage: tess $2"}"
}

# _tess_domains TESS: the names in `tess list --all`, one per line.
_tess_domains()
{
    "$1" list --all 2>/dev/null | awk 'NR > 2 && NF >= 2 { print $2 }'
}

# _tess_in WORD LIST...: is WORD one of LIST?
_tess_in()
{
    local w=$1 x

    shift
    for x; do
        [[ $x == "$w" ]] && return 0
    done
    return 1
}

_tess()
{
    local tess=${1:-${COMP_WORDS[0]}}
    local cur=${COMP_WORDS[COMP_CWORD]} prev=''
    local verb='' verbs usage i w npos=0 want_domain=0 want_file=0
    local -a tokens=() opts=() argopts=() left=()

    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    [[ $tess == "~"* ]] && tess=$HOME${tess#"~"}
    command -v -- "$tess" >/dev/null 2>&1 || tess=tess

    verbs=$("$tess" help --verbs 2>/dev/null) || return 0

    # The verb: the first word after the command that is not an option.
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} != -* ]]; then
            verb=${COMP_WORDS[i]}
            break
        fi
    done

    if [[ -z $verb ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W '--help --version' -- "$cur")
        elif ((COMP_CWORD == 1)); then
            mapfile -t COMPREPLY < <(compgen -W "$verbs help" -- "$cur")
        fi
        return 0
    fi

    if [[ $verb == help ]]; then
        ((COMP_CWORD == i + 1)) &&
            mapfile -t COMPREPLY < <(compgen -W "$verbs --verbs" -- "$cur")
        return 0
    fi

    # shellcheck disable=SC2086 # one verb per word
    _tess_in "$verb" $verbs || return 0
    usage=$(_tess_usage "$tess" "$verb") || return 0

    # Options of the usage line; "--opt WORD" (WORD in capitals) takes a value.
    read -r -a tokens <<<"${usage//[][]/ }"
    for ((w = 0; w < ${#tokens[@]}; w++)); do
        case ${tokens[w]} in
        --*)
            opts+=("${tokens[w]}")
            [[ ${tokens[w + 1]:-} =~ ^[A-Z]+$ ]] && argopts+=("${tokens[w]}")
            ;;
        DOMAIN) want_domain=1 ;;
        FILE) want_file=1 ;;
        esac
    done

    # The value of an option (--timeout S, --timeout=S): nothing to offer.
    if [[ $prev == = ]] || _tess_in "$prev" "${argopts[@]}"; then
        return 0
    fi

    # Positional arguments already given (after the verb, values of options skipped).
    for ((w = i + 1; w < COMP_CWORD; w++)); do
        if _tess_in "${COMP_WORDS[w]}" "${argopts[@]}"; then
            [[ ${COMP_WORDS[w + 1]:-} == = ]] && ((w++))
            ((w++))
        elif [[ ${COMP_WORDS[w]} != -* ]]; then
            ((npos++))
        fi
    done

    if [[ $cur != -* ]] && ((npos == 0 && (want_domain || want_file))); then
        if ((want_domain)); then
            mapfile -t COMPREPLY < <(compgen -W "$(_tess_domains "$tess")" -- "$cur")
        else
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -X '!*.xml' -- "$cur"; compgen -d -- "$cur")
        fi
        return 0
    fi

    # Options not given yet (the word being completed does not count).
    for w in "${opts[@]}"; do
        _tess_in "$w" "${COMP_WORDS[@]:i+1:COMP_CWORD-i-1}" || left+=("$w")
    done
    ((${#left[@]})) && mapfile -t COMPREPLY < <(compgen -W "${left[*]}" -- "$cur")
    return 0
}

complete -F _tess tess
