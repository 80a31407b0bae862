## wsman client core and BITS model (envelopes, parsing, faults, operations).
libbitstop_a_SOURCES += src/bits_job.c \
	src/bits_hresult.c src/bits_hresult.h \
	src/wsman_msg.c src/wsman_msg.h \
	src/wsman_parse.c src/wsman_parse.h \
	src/wsman_bits.c src/wsman_bits.h \
	src/wsman_fault.c src/wsman_fault.h \
	src/wsman_op.c src/wsman_op.h \
	src/wsman_items.c src/wsman_items.h

check_PROGRAMS += tests/test_bits_job
TESTS += tests/test_bits_job
tests_test_bits_job_SOURCES = tests/test_bits_job.c
tests_test_bits_job_CFLAGS = $(TEST_CFLAGS)
tests_test_bits_job_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_bits_hresult
TESTS += tests/test_bits_hresult
tests_test_bits_hresult_SOURCES = tests/test_bits_hresult.c
tests_test_bits_hresult_CFLAGS = $(TEST_CFLAGS)
tests_test_bits_hresult_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_wsman_msg
TESTS += tests/test_wsman_msg
tests_test_wsman_msg_SOURCES = tests/test_wsman_msg.c
tests_test_wsman_msg_CFLAGS = $(TEST_CFLAGS)
tests_test_wsman_msg_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_wsman_parse
TESTS += tests/test_wsman_parse
tests_test_wsman_parse_SOURCES = tests/test_wsman_parse.c tests/wsman_test_util.h
tests_test_wsman_parse_CFLAGS = $(TEST_CFLAGS)
tests_test_wsman_parse_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_wsman_fault
TESTS += tests/test_wsman_fault
tests_test_wsman_fault_SOURCES = tests/test_wsman_fault.c tests/wsman_test_util.h
tests_test_wsman_fault_CFLAGS = $(TEST_CFLAGS)
tests_test_wsman_fault_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_wsman_op
TESTS += tests/test_wsman_op
tests_test_wsman_op_SOURCES = tests/test_wsman_op.c tests/wsman_test_util.h
tests_test_wsman_op_CFLAGS = $(TEST_CFLAGS)
tests_test_wsman_op_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_wsman_items
TESTS += tests/test_wsman_items
tests_test_wsman_items_SOURCES = tests/test_wsman_items.c tests/wsman_test_util.h
tests_test_wsman_items_CFLAGS = $(TEST_CFLAGS)
tests_test_wsman_items_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_wsman_bits
TESTS += tests/test_wsman_bits
tests_test_wsman_bits_SOURCES = tests/test_wsman_bits.c tests/wsman_test_util.h
tests_test_wsman_bits_CFLAGS = $(TEST_CFLAGS)
tests_test_wsman_bits_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)
