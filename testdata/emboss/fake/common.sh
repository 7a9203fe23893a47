# Sourced by the fake water scripts in this directory: answers -version and
# -help as EMBOSS water 6.6 does, and sets $outfile and $fmt from the argv.
ARGS=("$@") # the original argv, for wrappers that run the real water
case "${1:-}" in
-version)
	echo "${FAKE_VERSION:-EMBOSS:6.6.0.0}" >&2
	exit 0
	;;
-help)
	printf '%s\nVersion: EMBOSS:6.6.0.0\n\n   Standard (Mandatory) qualifiers:\n' "${FAKE_HELP:-Smith-Waterman local alignment of sequences}" >&2
	exit 0
	;;
esac
outfile= fmt= bseq=
while [ $# -gt 0 ]; do
	case "$1" in
	-outfile) outfile=$2; shift ;;
	-aformat3) fmt=$2; shift ;;
	-bsequence) bseq=$2; shift ;;
	esac
	shift
done
fixtures="${BASH_SOURCE[0]%/*}/../fixtures"
