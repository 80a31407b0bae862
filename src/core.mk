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

## backends: the seam, the WMI provider, the WinRS shell with the PowerShell agent.
libbitstop_a_SOURCES += src/backend.c src/backend.h src/backend_wmi.c \
	src/backend_shell.c src/backend_shell.h \
	src/winrs.c src/winrs.h \
	src/agent_proto.c src/agent_proto.h
nodist_libbitstop_a_SOURCES = src/agent_script.c
BUILT_SOURCES = src/agent_script.c
CLEANFILES += src/agent_script.c
EXTRA_DIST += agent/bitstop-agent.ps1 agent/embed.sh
src/agent_script.c: $(srcdir)/agent/bitstop-agent.ps1 $(srcdir)/agent/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src && $(SHELL) $(srcdir)/agent/embed.sh $(srcdir)/agent/bitstop-agent.ps1 > $@.tmp && mv $@.tmp $@

check_PROGRAMS += tests/test_shell_proto
TESTS += tests/test_shell_proto
tests_test_shell_proto_SOURCES = tests/test_shell_proto.c tests/wsman_test_util.h
tests_test_shell_proto_CFLAGS = $(TEST_CFLAGS)
tests_test_shell_proto_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

# The shell backend end to end against bitsim's clients.
TESTS += tests/test_shell.py
EXTRA_DIST += tests/test_shell.py

check_PROGRAMS += tests/test_shell_poller
TESTS += tests/test_shell_poller
tests_test_shell_poller_SOURCES = tests/test_shell_poller.c tests/backend_drive.h
tests_test_shell_poller_CFLAGS = $(TEST_CFLAGS)
tests_test_shell_poller_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/test_create_suspended
TESTS += tests/test_create_suspended
tests_test_create_suspended_SOURCES = tests/test_create_suspended.c tests/backend_drive.h
tests_test_create_suspended_CFLAGS = $(TEST_CFLAGS)
tests_test_create_suspended_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += tests/bench/bench_shell.py
