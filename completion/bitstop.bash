# bash completion for bitstop(1): options, their values, themes and the hosts
# of the configuration file bitstop would read.
# Installed as $(datadir)/bash-completion/completions/bitstop; make fills in
# the two directories below when it builds the installed copy.

_bitstop_pkgdatadir='@pkgdatadir@'
_bitstop_sysconfdir='@sysconfdir@'

# Every option of `bitstop --help` (tests/test_completion.sh compares them).
_bitstop_options='-c --config -f --hosts-file -u --user -a --auth --backend -d --delay
-r --readonly -k --insecure --cacert --theme --no-color --demo --once --format
--action --job -v --verbose -h --help -V --version'

# Print the theme names bitstop can load: the compiled-in default, the user's
# themes, then the installed ones (as tui/theme.c looks them up).
_bitstop_themes()
{
	local dir f
	local -a dirs=()

	if [[ ${XDG_CONFIG_HOME-} == /* ]]; then
		dirs+=("$XDG_CONFIG_HOME/bitstop/themes")
	elif [[ -n ${HOME-} ]]; then
		dirs+=("$HOME/.config/bitstop/themes")
	fi
	[[ $_bitstop_pkgdatadir == @* ]] || dirs+=("$_bitstop_pkgdatadir/themes")
	{
		echo default
		for dir in "${dirs[@]}"; do
			for f in "$dir"/*.theme; do
				[[ -f $f ]] || continue
				f=${f##*/}
				f=${f%.theme}
				[[ $f == .* ]] || echo "$f"
			done
		done
	} | sort -u
}

# Expand a leading ~ or ~/ the way bitstop does for the file it is given.
_bitstop_expand_tilde()
{
	# shellcheck disable=SC2088 # the patterns match a literal tilde
	case $1 in
	"~") echo "${HOME-}" ;;
	"~/"*) echo "${HOME-}/${1#\~/}" ;;
	*) echo "$1" ;;
	esac
}

# Print the configuration file bitstop would read with the words typed so far
# (-c FILE, then $BITSTOP_CONFIG, then the user's file, then the system's).
_bitstop_config_file()
{
	local i w f=""

	for ((i = 1; i < ${#_bitstop_words[@]} - 1; i++)); do
		w=${_bitstop_words[i]}
		case $w in
		-c | --config) f=${_bitstop_words[i + 1]} ;;
		--config=*) f=${w#--config=} ;;
		-c?*) f=${w#-c} ;;
		esac
	done
	if [[ -n $f ]]; then
		_bitstop_expand_tilde "$f"
	elif [[ -n ${BITSTOP_CONFIG-} ]]; then
		_bitstop_expand_tilde "$BITSTOP_CONFIG"
	elif [[ ${XDG_CONFIG_HOME-} == /* && -e $XDG_CONFIG_HOME/bitstop/bitstop.conf ]]; then
		echo "$XDG_CONFIG_HOME/bitstop/bitstop.conf"
	elif [[ ${XDG_CONFIG_HOME-} != /* && -n ${HOME-} && -e $HOME/.config/bitstop/bitstop.conf ]]; then
		echo "$HOME/.config/bitstop/bitstop.conf"
	elif [[ $_bitstop_sysconfdir != @* ]]; then
		echo "$_bitstop_sysconfdir/bitstop.conf"
	fi
}

# Print the hosts of a bitstop.conf: the strings directly inside any `hosts`
# array or list, and the value of every `host` setting. A small scanner of
# libconfig's syntax: strings with escapes, three comment styles, nesting.
_bitstop_config_hosts()
{
	[[ -r $1 && -f $1 ]] || return 0
	awk '
	{ text = text $0 "\n" }
	END {
		n = length(text); depth = 0; key = ""; assign = 0
		for (i = 1; i <= n; i++) {
			c = substr(text, i, 1)
			if (c == "#" || (c == "/" && substr(text, i + 1, 1) == "/")) {
				while (i <= n && substr(text, i, 1) != "\n")
					i++
			} else if (c == "/" && substr(text, i + 1, 1) == "*") {
				for (i += 2; i <= n && substr(text, i, 2) != "*/"; i++)
					;
				i++
			} else if (c == "\"") {
				s = ""
				for (i++; i <= n && (d = substr(text, i, 1)) != "\""; i++) {
					if (d == "\\") {
						i++
						d = substr(text, i, 1)
					}
					s = s d
				}
				if ((assign && key == "host") || (!assign && list[depth]))
					print s
				key = ""; assign = 0
			} else if (c ~ /[A-Za-z_*]/) {
				key = c
				while (substr(text, i + 1, 1) ~ /[A-Za-z0-9_*-]/)
					key = key substr(text, ++i, 1)
				assign = 0
			} else if (c == "=" || c == ":") {
				assign = key != ""
			} else if (c == "[" || c == "(" || c == "{") {
				list[++depth] = c != "{" && assign && key == "hosts"
				key = ""; assign = 0
			} else if (c == "]" || c == ")" || c == "}") {
				if (depth > 0)
					depth--
				key = ""; assign = 0
			} else if (c == ";" || c == ",") {
				key = ""; assign = 0
			}
		}
	}' "$1" 2>/dev/null
}

# Rebuild the words bash split at COMP_WORDBREAKS characters (--theme=x,
# priority=high, http://h:5985) into _bitstop_words, the last one being the
# word under the cursor.
_bitstop_reassemble()
{
	local breaks=${COMP_WORDBREAKS-$' \t\n"\'><=;|&(:'} line=${COMP_LINE-} w i glue
	local have_line=0 blank

	[[ -n ${COMP_LINE+set} ]] && have_line=1
	_bitstop_words=()
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]-}
		glue=0
		if ((have_line)); then
			blank=${line%%[![:blank:]]*}
			line=${line#"$blank"}
			if [[ $line == "$w"* ]]; then
				line=${line#"$w"}
				((i > 0)) && [[ -z $blank ]] && glue=1
			fi
		elif ((i > 0)); then
			# no line to look at: glue around words made of break characters only
			local prevw=${COMP_WORDS[i - 1]-}
			[[ -n $w && -z ${w//[$breaks]/} ]] && glue=1
			[[ -n $prevw && -z ${prevw//[$breaks]/} ]] && glue=1
		fi
		if ((glue && ${#_bitstop_words[@]} > 0)); then
			_bitstop_words[-1]+=$w
		else
			_bitstop_words+=("$w")
		fi
	done
}

# Set COMPREPLY to the candidates (one per line in $2) that start with cur ($1),
# minus the part of cur before the last word-break character, which bash keeps.
_bitstop_reply()
{
	local cur=$1 cand keep="" i breaks=${COMP_WORDBREAKS-$' \t\n"\'><=;|&(:'}

	for ((i = ${#cur} - 1; i >= 0; i--)); do
		if [[ $breaks == *"${cur:i:1}"* ]]; then
			keep=${cur:0:i+1}
			break
		fi
	done
	COMPREPLY=()
	while IFS= read -r cand; do
		[[ -n $cand && $cand == "$cur"* ]] && COMPREPLY+=("${cand#"$keep"}")
	done <<<"$2"
}

# Values of an option that takes one; files are left to compgen -f.
_bitstop_values()
{
	case $1 in
	-a | --auth) printf '%s\n' basic negotiate ;;
	--format) printf '%s\n' table json tsv ;;
	--backend) printf '%s\n' auto wmi shell ;;
	--action)
		printf '%s\n' cancel complete resume suspend priority=foreground priority=high \
			priority=normal priority=low
		;;
	--theme) _bitstop_themes ;;
	esac
}

# The completion function for bitstop.
_bitstop()
{
	local cur prev opt i hosts_only=0 cands
	local -a _bitstop_words

	_bitstop_reassemble
	cur=${_bitstop_words[-1]}
	prev=""
	((${#_bitstop_words[@]} > 1)) && prev=${_bitstop_words[-2]}
	for ((i = 1; i < ${#_bitstop_words[@]} - 1; i++)); do
		[[ ${_bitstop_words[i]} == -- ]] && hosts_only=1
	done
	COMPREPLY=()

	if ((!hosts_only)); then
		case $prev in
		-c | --config | -f | --hosts-file | --cacert)
			compopt -o filenames 2>/dev/null
			_bitstop_reply "$cur" "$(compgen -f -- "$cur")"
			[[ $prev == -f || $prev == --hosts-file ]] && [[ -z $cur || $cur == - ]] &&
				COMPREPLY+=(-)
			return 0
			;;
		-u | --user | -d | --delay | --job)
			return 0
			;;
		-a | --auth | --backend | --format | --action | --theme)
			_bitstop_reply "$cur" "$(_bitstop_values "$prev")"
			return 0
			;;
		esac
		case $cur in
		--config=* | --hosts-file=* | --cacert=*)
			compopt -o filenames 2>/dev/null
			opt=${cur%%=*}
			_bitstop_reply "$cur" "$(compgen -f -- "${cur#*=}" | sed "s|^|$opt=|")"
			return 0
			;;
		--*=*)
			opt=${cur%%=*}
			cands=$(_bitstop_values "$opt" | sed "s|^|$opt=|")
			_bitstop_reply "$cur" "$cands"
			return 0
			;;
		-*)
			# shellcheck disable=SC2086 # one option per word
			_bitstop_reply "$cur" "$(printf '%s\n' $_bitstop_options)"
			return 0
			;;
		esac
	fi
	_bitstop_reply "$cur" "$(_bitstop_config_hosts "$(_bitstop_config_file)")"
	return 0
}

complete -F _bitstop bitstop
