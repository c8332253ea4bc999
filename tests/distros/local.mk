# make check-distros: the distro matrix (tests/distros/run.sh, as root): ./setup.sh, make
# check and make deb in fresh debootstrap root filesystems of DISTROS, then the package
# installed, used and purged in another. Included from the top-level Makefile.am.

DISTROS = trixie sid
check-distros: deb
	$(srcdir)/tests/distros/run.sh --host-deb rsyslog-mmmailnorm_$(VERSION)_$$(dpkg --print-architecture).deb $(DISTROS)

EXTRA_DIST += tests/distros/run.sh tests/distros/package-test.sh
.PHONY: check-distros
