## config, credentials, sanitizing, audit log.
libbitstop_a_SOURCES += \
	src/sanitize.c \
	src/cfg.c src/cfg_load.c src/cfg_hosts.c src/cfg_int.c \
	src/creds.c \
	src/audit.c \
	src/paths.c src/paths.h

check_PROGRAMS += tests/test_sanitize
TESTS += tests/test_sanitize
tests_test_sanitize_SOURCES = tests/test_sanitize.c
tests_test_sanitize_CFLAGS = $(TEST_CFLAGS)
tests_test_sanitize_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_cfg tests/test_cfg_hosts
TESTS += tests/test_cfg tests/test_cfg_hosts
tests_test_cfg_SOURCES = tests/test_cfg.c
tests_test_cfg_CFLAGS = $(TEST_CFLAGS)
tests_test_cfg_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)
tests_test_cfg_hosts_SOURCES = tests/test_cfg_hosts.c
tests_test_cfg_hosts_CFLAGS = $(TEST_CFLAGS)
tests_test_cfg_hosts_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_creds
TESTS += tests/test_creds
tests_test_creds_SOURCES = tests/test_creds.c
tests_test_creds_CFLAGS = $(TEST_CFLAGS)
tests_test_creds_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_audit
TESTS += tests/test_audit
tests_test_audit_SOURCES = tests/test_audit.c
tests_test_audit_CFLAGS = $(TEST_CFLAGS) $(JSONC_CFLAGS)
tests_test_audit_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS) $(JSONC_LIBS)

check_PROGRAMS += tests/test_cfg_docs
TESTS += tests/test_cfg_docs
tests_test_cfg_docs_SOURCES = tests/test_cfg_docs.c
tests_test_cfg_docs_CFLAGS = $(TEST_CFLAGS)
tests_test_cfg_docs_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

dist_doc_DATA += bitstop.conf.example
dist_man_MANS += man/bitstop.conf.5
