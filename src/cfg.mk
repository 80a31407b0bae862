## config, credentials, sanitizing, --once output, audit log.
libbitstop_a_SOURCES += \
	src/sanitize.c

check_PROGRAMS += tests/test_sanitize
TESTS += tests/test_sanitize
tests_test_sanitize_SOURCES = tests/test_sanitize.c
tests_test_sanitize_CFLAGS = $(TEST_CFLAGS)
tests_test_sanitize_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)
