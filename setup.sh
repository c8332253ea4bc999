#!/bin/bash
# setup.sh - everything a fresh Debian 12, 13 or unstable machine needs, run as root from the top of the
# tree: the packages, the rsyslog source matching the installed rsyslogd (in build-deps/),
# then autoreconf, configure, make, and the demo. Running it again skips what is done.
#
# rsyslog ships no headers for modules, so the module is compiled against the source of
# the installed rsyslogd's version, configured the way Debian builds it (debug off), so
# that the layout of rsyslog's structs matches the binary.
set -euo pipefail

cd "$(dirname "$0")"
top=$PWD
deps=$top/build-deps

packages=(
	rsyslog
	build-essential gcc libc6-dev make autoconf automake libtool pkg-config
	libestr-dev libfastjson-dev liblognorm-dev liblognorm-utils zlib1g-dev uuid-dev
	dpkg-dev debian-archive-keyring
	python3 valgrind
	# clang's sanitizer runtime is in a package named after clang's major version
	clang clang-runtime-library
	# the storage tests (tests/storage/): Elasticsearch and PostgreSQL outputs, a
	# PostgreSQL server, the test's certificate, node and npm for the ECS field check
	# (npm only when there is no npm: Debian's nodejs comes without it, NodeSource's
	# nodejs has it built in and conflicts with the npm package)
	rsyslog-elasticsearch rsyslog-pgsql postgresql openssl
	nodejs $(command -v npm >/dev/null || echo npm)
	# make deb, and make check-distros (root filesystems of other suites)
	debhelper lintian debootstrap
)
step() {
	echo "setup: $*"
}

die() {
	echo "setup: error: $*" >&2
	exit 1
}

# The package of clang's runtime libraries (the sanitizers) for the suite's clang:
# libclang-rt-N-dev, where clang depends on clang-N.
clang_runtime_library() {
	apt-cache show clang >/dev/null 2>&1 || apt-get update -q >&2
	local version
	version=$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -n 1)
	[ -n "$version" ] || die "cannot tell which clang-N the package clang depends on (apt-cache depends clang)"
	echo "libclang-rt-$version-dev"
}

install_packages() {
	local missing=() package
	for package in "${packages[@]}"; do
		[ "$package" = clang-runtime-library ] && package=$(clang_runtime_library)
		if [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != installed ]; then
			missing+=("$package")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		step "packages: all installed"
		return
	fi
	[ "$(id -u)" -eq 0 ] || die "packages missing: ${missing[*]}; run ./setup.sh as root, or install them"
	step "installing ${missing[*]}"
	# rsyslog-pgsql would otherwise have dbconfig-common create a database and an
	# /etc/rsyslog.d/pgsql.conf that sends every message of the system's rsyslogd to it.
	echo "rsyslog-pgsql rsyslog-pgsql/dbconfig-install boolean false" | debconf-set-selections
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
	# ... and it installs that file anyway: the tests only need ompgsql.so, and the
	# machine's own rsyslogd must not start writing to a database nobody set up.
	if [[ " ${missing[*]} " == *" rsyslog-pgsql "* ]] && [ -f /etc/rsyslog.d/pgsql.conf ]; then
		step "removing /etc/rsyslog.d/pgsql.conf that rsyslog-pgsql installed (not needed here)"
		rm -f /etc/rsyslog.d/pgsql.conf
	fi
}

# The deb-src entries for the private apt configuration: the machine's own Debian archive
# entries (its mirror, its suites), else the main Debian archive.
write_source_entries() {
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	local entries
	entries=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(ORIGIN)' 'Created-By: Packages' 2>/dev/null |
		awk '$3 == "Debian" { print $1, $2 }' | sort -u)
	if [ -z "$entries" ]; then
		local codename
		codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
		entries="http://deb.debian.org/debian $codename
http://deb.debian.org/debian $codename-updates
http://deb.debian.org/debian-security $codename-security"
	fi
	local uri suite
	while read -r uri suite; do
		printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n\n' \
			"$uri" "$suite" "$keyring"
	done <<<"$entries"
}

# Downloads the source of rsyslog into build-deps/ with a private apt configuration
# (sources, lists and cache under build-deps/apt), leaving the machine's apt alone.
fetch_rsyslog_source() {
	local installed=$1 upstream=$2
	local apt_dir=$deps/apt
	mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	write_source_entries >"$apt_dir/sources.list.d/rsyslog-source.sources"
	local apt_options=(
		-o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
		-o Dir::Etc::SourceList=/dev/null
		-o "Dir::State::Lists=$apt_dir/lists"
		-o "Dir::Cache=$apt_dir/cache"
		# the files are root's, in build-deps/: no point dropping to apt's sandbox user
		-o APT::Sandbox::User=root
	)
	step "reading the Debian source package lists (private apt state in build-deps/apt)"
	apt-get "${apt_options[@]}" update -q

	# The exact installed version first. A security update's source is not always still
	# downloadable (8.2302.0-1+deb12u2's is not); any Debian revision of the same upstream
	# version has the same headers, newest first.
	local candidates version
	candidates=$( {
		echo "$installed"
		apt-cache "${apt_options[@]}" showsrc rsyslog | sed -n 's/^Version: //p' |
			grep -F "$upstream-" | sort -rV
	} | awk '!seen[$0]++')
	for version in $candidates; do
		step "fetching the source of rsyslog $version"
		if (cd "$deps" && apt-get "${apt_options[@]}" source -q "rsyslog=$version"); then
			return
		fi
		step "rsyslog $version: no source to be had, trying the next revision of $upstream"
	done
	die "could not fetch the rsyslog $upstream source (tried: $(echo $candidates); apt's reasons above: the archive's source index lists a version whose files the archive does not have, or no source of $upstream at all). The module cannot be built for this rsyslog without it."
}

prepare_rsyslog_source() {
	local installed upstream rsyslogd_version
	installed=$(dpkg-query -W -f='${Version}' rsyslog)
	upstream=${installed#*:}
	upstream=${upstream%-*}
	rsyslogd_version=$(/usr/sbin/rsyslogd -v | sed -n '1s/^rsyslogd *\([0-9.]*\).*/\1/p')
	[ "$upstream" = "$rsyslogd_version" ] ||
		die "the rsyslog package is $installed but /usr/sbin/rsyslogd says $rsyslogd_version"

	local src=$deps/rsyslog-$upstream
	mkdir -p "$deps"
	if [ -f "$src/runtime/module-template.h" ]; then
		step "rsyslog $upstream source: present"
	else
		fetch_rsyslog_source "$installed" "$upstream"
		[ -f "$src/runtime/module-template.h" ] || die "the rsyslog source did not unpack to $src"
	fi

	local stamp=$src/.configured-by-setup
	if [ -f "$src/config.h" ] && [ "$(cat "$stamp" 2>/dev/null)" = "${rsyslog_configure_options[*]}" ]; then
		step "rsyslog $upstream source: configured"
		return
	fi
	step "configuring the rsyslog $upstream source (log: build-deps/rsyslog-configure.log)"
	rm -f "$stamp"
	if ! (cd "$src" && ./configure "${rsyslog_configure_options[@]}") >"$deps/rsyslog-configure.log" 2>&1; then
		tail -n 20 "$deps/rsyslog-configure.log" >&2
		die "configuring rsyslog failed, see build-deps/rsyslog-configure.log"
	fi
	echo "${rsyslog_configure_options[*]}" >"$stamp"
}

build_project() {
	if [ ! -x configure ]; then
		step "autoreconf"
		mkdir -p m4
		autoreconf -fi
	fi
	if [ ! -f config.status ]; then
		step "configure"
		./configure
	fi
	step "make"
	make
}

# ./setup.sh --packages: the packages it would install, by name (tests/distros/run.sh asks
# apt whether they can be installed).
if [ "${1:-}" = --packages ]; then
	for package in "${packages[@]}"; do
		[ "$package" = clang-runtime-library ] && package=$(clang_runtime_library)
		echo "$package"
	done
	exit
fi

install_packages
# The configure options that give a config.h matching Debian's rsyslogd in everything that
# changes struct layouts (NDEBUG above all); configure.ac checks the result.
# (After install_packages: dpkg-architecture comes with dpkg-dev.)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
rsyslog_configure_options=(
	--prefix=/usr --libdir=/usr/lib/$multiarch --sysconfdir=/etc --localstatedir=/var
	--enable-debug=no --enable-imdiag
	--disable-libgcrypt --disable-fmhttp --disable-libsystemd
)
prepare_rsyslog_source
build_project
step "make demo"
make demo
step "done: run the tests with 'make check'"
