## documentation and packaging: bitstop(1), the bash completion, the Debian
## package (debian/, built and tried by tests/ci_deb.sh in CI), and the tests
## that keep the man pages, the completion and the install true.

dist_man_MANS += man/bitstop.1
dist_doc_DATA += README.md

EXTRA_DIST += doc/protocol.md doc/design.md

# No citation of a document outside the tree; every in-tree citation resolves.
TESTS += tests/test_doc_refs.sh
EXTRA_DIST += tests/test_doc_refs.sh

EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format tests/ci_deb.sh

# The bash completion, installed under the name bash-completion loads on
# demand. Packagers may point bashcompletiondir elsewhere, e.g.
# `make install bashcompletiondir=$(pkg-config --variable=completionsdir bash-completion)`.
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = completion/bitstop
EXTRA_DIST += completion/bitstop.bash
CLEANFILES += completion/bitstop

# The installed completion knows where this build looks for themes and the
# system configuration file.
completion/bitstop: completion/bitstop.bash Makefile
	$(AM_V_GEN)$(MKDIR_P) completion && \
	sed -e 's|@pkgdatadir[@]|$(pkgdatadir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/completion/bitstop.bash > $@.tmp && mv $@.tmp $@

# Installation directories and the files make builds to install, for
# tests/test_install.sh.
docs-print-dirs:
	@echo "bindir=$(bindir)"
	@echo "man1dir=$(man1dir)"
	@echo "man5dir=$(man5dir)"
	@echo "themesdir=$(themesdir)"
	@echo "docdir=$(docdir)"
	@echo "pkgdatadir=$(pkgdatadir)"
	@echo "sysconfdir=$(sysconfdir)"
	@echo "bashcompletiondir=$(bashcompletiondir)"
	@echo "built=$(PROGRAMS) $(SCRIPTS) $(DATA) $(MANS)"
.PHONY: docs-print-dirs

TESTS += tests/test_man.sh tests/test_completion.sh tests/test_install.sh
EXTRA_DIST += tests/test_man.sh tests/test_completion.sh tests/test_install.sh
