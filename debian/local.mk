# make deb: the Debian package rsyslog-mmmailnorm_<version>_<arch>.deb (debian/) for the
# suite this runs on, built with dpkg-buildpackage from the distribution tree (so it holds
# exactly what `make dist` ships) against this build's rsyslog source tree, then checked
# by lintian (an error fails). Included from the top-level Makefile.am.

dist_man_MANS = doc/mailnorm.1 doc/mailnorm-replay.1
EXTRA_DIST += README.md doc/configuration.md doc/fields.md doc/performance.md \
	doc/rulebases.md \
	debian/changelog debian/control debian/copyright debian/rules debian/source/format \
	debian/rsyslog-mmmailnorm.docs debian/rsyslog-mmmailnorm.examples

deb_build_dir = deb-build
deb: distdir
	rm -rf $(deb_build_dir) $(srcdir)/rsyslog-mmmailnorm_*.deb
	mkdir $(deb_build_dir)
	mv $(distdir) $(deb_build_dir)/
	cd $(deb_build_dir)/$(distdir) && RSYSLOG_SRC='$(RSYSLOG_SRC)' dpkg-buildpackage -b -us -uc
	mv $(deb_build_dir)/rsyslog-mmmailnorm_*.deb .
	lintian --fail-on error rsyslog-mmmailnorm_*.deb
	rm -rf $(deb_build_dir)
	@ls rsyslog-mmmailnorm_*.deb

clean-local:
	rm -rf $(deb_build_dir) rsyslog-mmmailnorm_*.deb

.PHONY: deb
