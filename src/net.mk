## transport (libcurl) and poller threads.
libbitstop_a_SOURCES += \
	src/queue.c src/queue.h \
	src/http.c src/http.h \
	src/poller.c

check_PROGRAMS += tests/test_queue
TESTS += tests/test_queue
tests_test_queue_SOURCES = tests/test_queue.c
tests_test_queue_CFLAGS = $(TEST_CFLAGS)
tests_test_queue_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

