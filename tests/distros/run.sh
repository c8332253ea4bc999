#!/bin/bash
# The distro matrix (make check-distros): tests/distros/run.sh [--host-deb DEB] SUITE...
# (as root)
#
# For each Debian suite (trixie, sid, ...): a fresh copy of a minimal root filesystem of
# the suite (debootstrap from the Debian archive this machine's apt uses), /proc, /sys and
# /dev mounted inside, a fresh clone of this repository's HEAD in it, and there, as root,
# `./setup.sh && make check && make deb`. Then the package test: the .deb installed with
# apt-get into another fresh copy of the root filesystem, used by an rsyslogd that loads
# the module by name, and purged (tests/distros/package-test.sh).
# --host-deb DEB: the host's own suite first, where make check has run on the host: only
# the package test, of DEB (made by make deb on the host), in a fresh root filesystem.
#
# Prints one result line per suite; exits 1 if any suite failed. A suite whose packages apt
# cannot install (Debian unstable during a library transition) is SKIPPED with apt's reason
# and does not fail the run; so is a suite whose archive lists its rsyslog's source but
# answers 404 for the files (setup.sh stops before building: nothing to test). Nothing
# else is a skip.
#
# Environment:
#   DISTRO_CACHE         where the root filesystems are kept between runs, as SUITE.tar
#                        (default /var/cache/rsyslog-mailnorm/distros); SUITE.apt/ there
#                        keeps the downloaded .debs, so reruns download only what changed
#   DISTRO_CACHE_DAYS    a root filesystem older than this is made again (default 7)
#   DISTRO_REFRESH=1     make the root filesystems again now
#   DISTRO_FUZZ_SECONDS  FUZZ_SECONDS of make check in the chroots (default 10; the host's
#                        make check fuzzes in full)
#   DISTRO_WORK          where each run's root filesystems go (default /var/tmp); a failed
#                        suite's stay there for inspection, with its log
#   DISTRO_MIRROR        the Debian archive (default: the one the host's apt uses)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${DISTRO_CACHE:-/var/cache/rsyslog-mailnorm/distros}
max_age_days=${DISTRO_CACHE_DAYS:-7}
fuzz_seconds=${DISTRO_FUZZ_SECONDS:-10}
work_root=${DISTRO_WORK:-/var/tmp}
chroot_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() {
	echo "check-distros: $*"
}

die() {
	say "error: $*" >&2
	exit 2
}

host_deb=
if [ "${1:-}" = --host-deb ]; then
	host_deb=$(realpath "${2:?--host-deb needs the .deb made on this host}")
	shift 2
fi
[ $# -gt 0 ] || [ -n "$host_deb" ] || die "usage: $0 [--host-deb DEB] SUITE..."
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (./setup.sh installs it)"
git -C "$top" rev-parse --verify -q HEAD >/dev/null || die "$top is not a git checkout with a commit"

# The host's Debian archive and security archive, from its apt configuration.
host_archive() {
	local kind=$1
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(ORIGIN)' 'Created-By: Packages' 2>/dev/null |
		awk -v kind="$kind" '$3 == "Debian" {
			security = ($2 ~ /-security$/)
			if ((kind == "security") == security && ($2 !~ /-(updates|backports|proposed-updates)$/)) { print $1; exit }
		}'
}
mirror=${DISTRO_MIRROR:-$(host_archive main)}
mirror=${mirror:-http://deb.debian.org/debian/}
security_mirror=$(host_archive security)
host_node_ca=
[ ! -f "${NODE_EXTRA_CA_CERTS:-}" ] || host_node_ca=$NODE_EXTRA_CA_CERTS

# The apt sources of SUITE: the suite itself and, for a release, its updates and security
# archive (unstable and testing have neither).
suite_sources() {
	local suite=$1
	echo "deb $mirror $suite main"
	case $suite in
	sid | unstable | testing | experimental) ;;
	*)
		echo "deb $mirror $suite-updates main"
		[ -z "$security_mirror" ] || echo "deb $security_mirror $suite-security main"
		;;
	esac
}

# Makes $cache/SUITE.tar when there is none, it is older than DISTRO_CACHE_DAYS or
# DISTRO_REFRESH=1: debootstrap's minimal system plus git, with the suite's sources.
cached_rootfs() {
	local suite=$1 tar=$cache/$1.tar
	if [ -f "$tar" ] && [ -z "${DISTRO_REFRESH:-}" ] &&
		[ -z "$(find "$tar" -mtime +"$max_age_days")" ]; then
		return
	fi
	local dir=$cache/$suite.new
	rm -rf "$dir"
	mkdir -p "$cache"
	say "$suite: making the root filesystem (debootstrap from $mirror, log $cache/$suite.debootstrap.log)"
	if ! debootstrap --variant=minbase --include=git,ca-certificates "$suite" "$dir" "$mirror" \
		>"$cache/$suite.debootstrap.log" 2>&1; then
		tail -n 5 "$cache/$suite.debootstrap.log" >&2
		return 1
	fi
	suite_sources "$suite" >"$dir/etc/apt/sources.list"
	# Services are not started in the chroot (postgresql, rsyslog): the tests start their own.
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	rm -rf "$dir/var/cache/apt/archives"/*.deb
	tar -C "$dir" -cf "$tar.new" . && mv "$tar.new" "$tar" && rm -rf "$dir"
}

# new_root SUITE DIR: a fresh copy of the suite's root filesystem in DIR, mounted and
# ready to chroot into.
new_root() {
	local suite=$1 root=$2
	mkdir -p "$root"
	tar -C "$root" -xf "$cache/$suite.tar" || return 1
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# apt as the host's is set up to reach the archive: a proxy, and for a frozen mirror
	# or snapshot, Release files past their Valid-Until date accepted
	apt-config dump | grep -E '^Acquire::(Check-Valid-Until|https?::Proxy) ' >"$root/etc/apt/apt.conf.d/00host-acquire"
	# ... and node as the host's: the extra certificate authorities the host gives node
	# (npm fetches the ECS field definitions in make check)
	[ -z "$host_node_ca" ] || cp "$host_node_ca" "$root/etc/ssl/host-node-ca.crt"
	mkdir -p "$cache/$suite.apt/partial"
	mount -t proc proc "$root/proc" &&
		mount -t sysfs sysfs "$root/sys" &&
		mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" &&
		mount --bind "$cache/$suite.apt" "$root/var/cache/apt/archives"
}

# Ends what still runs in the root filesystem (a test's server, say), then unmounts it.
release_root() {
	local root=$1 proc
	for proc in /proc/[0-9]*; do
		[ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ] && kill -KILL "${proc#/proc/}" 2>/dev/null
	done
	sleep 0.5
	local mount
	for mount in var/cache/apt/archives dev sys proc; do
		mountpoint -q "$root/$mount" && umount -R "$root/$mount"
	done
	! grep -q " $root/" /proc/mounts
}

# in_root ROOT COMMAND: runs the shell COMMAND as root in ROOT with a clean environment.
in_root() {
	chroot "$1" /usr/bin/env -i HOME=/root PATH="$chroot_path" LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive ${host_node_ca:+NODE_EXTRA_CA_CERTS=/etc/ssl/host-node-ca.crt} \
		bash -c "$2"
}

# uninstallable_reason ROOT: when apt cannot install what setup.sh installs (a transition
# in unstable), apt's reason, the packages named; empty when it can.
uninstallable_reason() {
	local root=$1 out
	if out=$(in_root "$root" 'cd /build/rsyslog-mailnorm && apt-get install -s -q $(./setup.sh --packages)' 2>&1); then
		return
	fi
	# apt's own words: "pkg : Depends: lib (>= x) but it is not installable", and its verdict
	# (apt 3 says "Error: Unable to satisfy dependencies" where apt 2 says "E: ...")
	if grep -q -e ' : Depends: ' -e ' : Breaks: ' -e 'is not installable' -e 'held broken packages' \
		-e 'Unable to satisfy dependencies' <<<"$out"; then
		grep -E -e ' : ' -e 'installable' -e '^(E|Error): ' -e '^ *[0-9]+\. ' <<<"$out" |
			sed 's/^ *//' | tr '\n' ';' | sed 's/;$//'
	fi
}

# Why setup.sh could not start in SUITE's root filesystem for want of the archive, not of
# this project: the suite's source index lists the installed rsyslog's source, and the
# archive answers 404 for its files (seen for unstable on a mirror that carries the new
# binaries before their sources). Prints the files apt could not fetch, or nothing.
source_unavailable_reason() {
	local log=$1
	grep -q '^setup: error: could not fetch the rsyslog .* source' "$log" || return 0
	grep -E '^E: Failed to fetch .*/rsyslog_[^ /]*\.dsc +404 ' "$log" >/dev/null || return 0
	grep -E '^E: Failed to fetch .*/rsyslog_[^ /]* +404 ' "$log" | sed -E 's|^E: Failed to fetch .*/(rsyslog_[^ ]*) +404.*|\1|' |
		tr '\n' ' ' | sed 's/ $//'
}

# missing_source_reason ROOT: the .dsc of the rsyslog the suite would install, when the
# archive answers 404 for it; empty when it serves it (or answers otherwise: setup.sh then
# says why). Asked before setup.sh, which installs some 650 packages before it fetches the
# source: a suite without the source is skipped in a minute, not in a quarter of an hour.
missing_source_reason() {
	local root=$1 source version dsc archive answer
	source=$(in_root "$root" "apt-cache show --no-all-versions rsyslog" 2>/dev/null |
		sed -n -e 's/^Source: rsyslog (\(.*\))$/\1/p' -e 's/^Version: //p' | head -n 1)
	version=${source#*:}
	[ -n "$version" ] || return 0
	dsc=rsyslog_$version.dsc
	# a release's rsyslog may come from its security archive: 404 from both is missing
	for archive in "$mirror" ${security_mirror:+"$security_mirror"}; do
		answer=$(in_root "$root" "/usr/lib/apt/apt-helper download-file '${archive%/}/pool/main/r/rsyslog/$dsc' /tmp/$dsc" 2>&1)
		rm -f "$root/tmp/$dsc"
		grep -qE ' 404 ' <<<"$answer" || return 0
	done
	echo "$dsc"
}

say_source_missing() {
	say "$1: SKIPPED, the archive lists the source of $1's rsyslog but answers 404 for its files ($2); the module cannot be built without it, nothing was built or tested"
}

# run_suite SUITE: 0 passed, 1 failed, 77 skipped (uninstallable, or the archive does not
# serve the source of the suite's rsyslog). The log is $work/SUITE.log.
run_suite() {
	local suite=$1 root=$work/$1/build
	cached_rootfs "$suite" || { say "$suite: could not make the root filesystem"; return 1; }
	new_root "$suite" "$root" || { release_root "$root"; return 1; }
	mkdir -p "$root/build"
	git clone -q "$top" "$root/build/rsyslog-mailnorm" || { release_root "$root"; return 1; }
	local status=0 reason
	if ! in_root "$root" 'apt-get update -q'; then
		status=1
	elif reason=$(uninstallable_reason "$root") && [ -n "$reason" ]; then
		say "$suite: SKIPPED, apt cannot install the packages setup.sh needs in $suite: $reason"
		status=77
	elif reason=$(missing_source_reason "$root") && [ -n "$reason" ]; then
		say_source_missing "$suite" "$reason"
		status=77
	elif ! in_root "$root" "cd /build/rsyslog-mailnorm && ./setup.sh" 2>&1 | tee "$work/$suite/setup.log"; then
		status=1
		reason=$(source_unavailable_reason "$work/$suite/setup.log")
		if [ -n "$reason" ]; then
			say_source_missing "$suite" "$reason"
			status=77
		fi
	elif ! in_root "$root" "cd /build/rsyslog-mailnorm &&
			{ make check FUZZ_SECONDS=$fuzz_seconds || { cat test-suite.log; exit 1; }; } &&
			make deb"; then
		status=1
	else
		cp "$root"/build/rsyslog-mailnorm/rsyslog-mmmailnorm_*.deb "$work/$suite/" || status=1
	fi
	in_root "$root" 'echo "rsyslog $(dpkg-query -W -f="\${Version}" rsyslog), liblognorm $(dpkg-query -W -f="\${Version}" liblognorm-dev)"' \
		>"$work/$suite/versions" 2>/dev/null
	release_root "$root" || { say "$suite: could not unmount $root"; status=1; }
	[ "$status" -eq 0 ] || return "$status"
	rm -rf "$root"
	test_package "$suite" "$work/$suite"/rsyslog-mmmailnorm_*.deb
}

# test_package SUITE DEB: tests/distros/package-test.sh in a fresh root filesystem of SUITE.
test_package() {
	local suite=$1 deb=$2 root=$work/$1/package status=0
	cached_rootfs "$suite" || { say "$suite: could not make the root filesystem"; return 1; }
	new_root "$suite" "$root" || { release_root "$root"; return 1; }
	cp "$deb" "$top/tests/distros/package-test.sh" "$root/tmp/"
	mkdir -p "$root/tmp/golden"
	git -C "$top" archive HEAD tests/golden tests/tools tests/rsyslog/json_check.py | tar -C "$root/tmp/golden" -xf -
	in_root "$root" "bash /tmp/package-test.sh /tmp/$(basename "$deb") /tmp/golden" || status=1
	release_root "$root" || { say "$suite: could not unmount $root"; status=1; }
	[ "$status" -eq 0 ] && rm -rf "$root"
	return "$status"
}

# The host's own suite: make check ran on the host; the package it built (make deb) is
# tested in a fresh root filesystem of the host's suite, not on the host itself.
run_host_package() {
	local suite=$1 deb=$2
	dpkg-query -W -f='rsyslog ${Version}, ' rsyslog >"$work/$suite/versions"
	dpkg-query -W -f='liblognorm ${Version}\n' liblognorm-dev >>"$work/$suite/versions"
	test_package "$suite" "$deb"
}

# The first error a suite's log names: setup.sh's, a test's, apt's.
fail_reason() {
	grep -m1 -E '^(setup: error: |FAIL: |E: |package-test: FAIL: )' "$1" ||
		grep -m1 -E '^check-distros: .*(could not|error)' "$1" || echo "see the log"
}

work=$(mktemp -d "$work_root/rsyslog-mailnorm-distros.XXXXXX")
say "HEAD $(git -C "$top" log -1 --format='%h %s'), work directory $work"
host_suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
failed=0
results=()
for suite in ${host_deb:+"$host_suite"} "$@"; do
	mkdir -p "$work/$suite"
	say "$suite: running (log $work/$suite.log)"
	start=$SECONDS
	if [ -n "$host_deb" ] && [ "$suite" = "$host_suite" ]; then
		run_host_package "$suite" "$host_deb" >"$work/$suite.log" 2>&1
		status=$?
		what="make check and make deb on the host, package installed, used and purged in a $suite chroot"
	else
		run_suite "$suite" >"$work/$suite.log" 2>&1
		status=$?
		what="setup.sh, make check, make deb, package installed, used and purged"
	fi
	took=$((SECONDS - start))
	took="$((took / 60))m$((took % 60))s"
	versions=$(cat "$work/$suite/versions" 2>/dev/null)
	case $status in
	0) line="$suite PASS in $took ($versions; $what)" ;;
	77) line="$suite SKIPPED in $took: $(grep -m1 'SKIPPED' "$work/$suite.log" | sed 's/^check-distros: [^ ]* SKIPPED, //')" ;;
	*)
		line="$suite FAIL in $took ($versions): $(fail_reason "$work/$suite.log") (log $work/$suite.log)"
		tail -n 30 "$work/$suite.log" | sed "s/^/  $suite| /"
		failed=1
		;;
	esac
	results+=("$line")
	say "$line"
done
say "results:"
printf '  %s\n' "${results[@]}"
exit "$failed"
