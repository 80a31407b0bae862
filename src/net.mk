## transport (libcurl), poller threads, --once/--action, --demo, bitstop main.
libbitstop_a_SOURCES += \
	src/queue.c src/queue.h \
	src/http.c src/http.h \
	src/poller.c \
	src/batch.c src/batch.h \
	src/demo.c src/demo.h

bin_PROGRAMS += bitstop
bitstop_SOURCES = src/main.c
bitstop_CFLAGS = $(CORE_CFLAGS)
bitstop_LDADD = libtui.a libbitstop.a $(NCURSES_LIBS) $(CORE_LIBS)

check_PROGRAMS += tests/test_queue
TESTS += tests/test_queue
tests_test_queue_SOURCES = tests/test_queue.c
tests_test_queue_CFLAGS = $(TEST_CFLAGS)
tests_test_queue_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

TESTS += tests/test_integ.py tests/test_demo_cleanup.sh
EXTRA_DIST += tests/test_integ.py tests/lib/bitsim.py tests/test_demo_cleanup.sh
