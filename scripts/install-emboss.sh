#!/bin/sh
# install-emboss.sh: install EMBOSS (for its 'water' program) with the
# platform's package manager, then check that 'water -version' works.
#
# Usage: scripts/install-emboss.sh [--dry-run] [--manager apt|dnf|yum|conda|mamba|micromamba|brew]
#
#   --dry-run   print the commands it would run and exit (nothing installed)
#   --manager   use this package manager instead of the first one found
#
# Detection order: an already installed water (nothing to do), then apt-get
# (Debian, Ubuntu: package emboss), dnf or yum (Fedora, RHEL with EPEL:
# EMBOSS), mamba, micromamba or conda (bioconda: emboss, into the active
# environment), brew (Homebrew: brewsci/bio/emboss). apt, dnf and yum need
# root; the script uses sudo when it is not root and sudo exists.
#
# Exit status: 0 installed (or already present), 1 installation or check
# failed, 2 usage error or no supported package manager.
set -eu

dry_run=0
manager=""
while [ $# -gt 0 ]; do
	case "$1" in
	--dry-run | -n) dry_run=1 ;;
	--manager)
		[ $# -ge 2 ] || { echo "install-emboss: --manager needs a value" >&2; exit 2; }
		manager=$2
		shift
		;;
	--manager=*) manager=${1#--manager=} ;;
	-h | --help)
		sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) echo "install-emboss: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done

have() { command -v "$1" >/dev/null 2>&1; }

# run prints a command and, unless --dry-run, runs it.
run() {
	echo "+ $*"
	[ "$dry_run" = 1 ] || "$@"
}

# root_prefix is empty for root, "sudo" when available, else an error.
root_prefix() {
	if [ "$(id -u)" = 0 ]; then
		echo ""
	elif have sudo; then
		echo "sudo"
	else
		echo "install-emboss: $1 needs root and sudo is not available; rerun as root" >&2
		exit 1
	fi
}

if [ -z "$manager" ] && [ "$dry_run" = 0 ] && have water; then
	echo "install-emboss: water is already installed: $(command -v water) ($(water -version 2>&1 | head -n 1))"
	exit 0
fi

if [ -z "$manager" ]; then
	for m in apt-get dnf yum mamba micromamba conda brew; do
		if have "$m"; then
			manager=$m
			break
		fi
	done
fi
[ "$manager" = apt ] && manager=apt-get
if [ -z "$manager" ]; then
	echo "install-emboss: no supported package manager found (apt-get, dnf, yum, conda, mamba, micromamba, brew)." >&2
	echo "Install EMBOSS 6.6 yourself (https://emboss.sourceforge.net/download/) and point wtalign at water" >&2
	echo "with --water-path /path/to/water or WTALIGN_WATER=/path/to/water." >&2
	exit 2
fi

case "$manager" in
apt-get | dnf | yum | mamba | micromamba | conda | brew) ;;
*)
	echo "install-emboss: unsupported --manager '$manager' (want apt, dnf, yum, conda, mamba, micromamba or brew)" >&2
	exit 2
	;;
esac
echo "install-emboss: using $manager"
case "$manager" in
apt-get)
	p=$(root_prefix apt-get)
	run $p env DEBIAN_FRONTEND=noninteractive apt-get update
	run $p env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends emboss
	;;
dnf | yum)
	p=$(root_prefix "$manager")
	# EMBOSS is in Fedora; on RHEL/Rocky/Alma it is in EPEL.
	if [ -r /etc/os-release ] && grep -qiE '^ID(_LIKE)?=.*(rhel|centos)' /etc/os-release; then
		run $p "$manager" install -y epel-release
	fi
	run $p "$manager" install -y EMBOSS
	;;
mamba | micromamba | conda)
	run "$manager" install -y -c conda-forge -c bioconda emboss
	;;
brew)
	run brew install brewsci/bio/emboss
	;;
esac

if [ "$dry_run" = 1 ]; then
	echo "+ water -version"
	exit 0
fi
hash -r 2>/dev/null || true
if ! have water; then
	echo "install-emboss: $manager finished but 'water' is not on PATH (conda: activate the environment; Debian: /usr/bin/water)" >&2
	exit 1
fi
v=$(water -version 2>&1 | head -n 1)
case "$v" in
EMBOSS:6.*) echo "install-emboss: installed $(command -v water) ($v); check with: wtalign engines" ;;
*)
	echo "install-emboss: 'water -version' printed '$v', expected EMBOSS:6.x" >&2
	exit 1
	;;
esac
