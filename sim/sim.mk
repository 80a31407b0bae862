## bitsim, the WinRM + BITS provider simulator.
bin_PROGRAMS += bitsim
bitsim_SOURCES = \
	sim/bitsim.c sim/sim.h \
	sim/sim_host.c sim/sim_host.h \
	sim/sim_render.c sim/sim_render.h \
	sim/sim_xml.c sim/sim_xml.h \
	sim/sim_wsman.c sim/sim_wsman.h \
	sim/sim_wsman_fault.c sim/sim_wsman_fault.h \
	sim/sim_enum.c sim/sim_ops.c \
	sim/sim_http.c sim/sim_http.h \
	sim/sim_clock.c sim/sim_clock.h \
	sim/sim_timer.c sim/sim_timer.h \
	sim/sim_net.c sim/sim_net.h \
	sim/sim_args.c sim/sim_args.h \
	sim/sim_inject.c sim/sim_inject.h \
	sim/sim_control.c sim/sim_control.h \
	sim/sim_shell.c sim/sim_shell.h sim/sim_agent.c \
	sim/sim_gss.c sim/sim_gss.h \
	sim/sim_workers.c sim/sim_workers.h \
	src/xalloc.c src/xalloc.h \
	src/strbuf.c src/strbuf.h \
	src/slurp.c src/slurp.h \
	src/hosterr.c src/hosterr.h \
	src/wsman_crypt.c src/wsman_crypt.h \
	src/gssauth.c src/gssauth.h \
	src/cfx.c src/cfx.h
bitsim_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(GSS_CFLAGS) \
	$(CRYPTO_CFLAGS)
bitsim_LDADD = $(XML_LIBS) $(MHD_LIBS) $(JSONC_LIBS) $(GSS_LIBS) $(CRYPTO_LIBS)

# Shell library for tests that drive bitsim.
EXTRA_DIST += tests/lib/sim.sh

# Tests: the job model in C, third-party clients, protocol, faults, shapes.
check_PROGRAMS += tests/test_sim_host
TESTS += tests/test_sim_host
tests_test_sim_host_SOURCES = tests/test_sim_host.c sim/sim_host.c sim/sim_host.h \
	src/xalloc.c src/xalloc.h
tests_test_sim_host_CFLAGS = $(TEST_CFLAGS)
tests_test_sim_host_LDADD = $(CMOCKA_LIBS)

TESTS += tests/test_sim_wsl.sh tests/test_sim_pywinrm.py tests/test_sim_protocol.py \
	tests/test_sim_control.py tests/test_sim_shape.py tests/test_sim_determinism.sh \
	tests/test_sim_life.sh tests/test_sim_man.sh
EXTRA_DIST += tests/test_sim_wsl.sh tests/test_sim_pywinrm.py tests/test_sim_protocol.py \
	tests/test_sim_control.py tests/test_sim_shape.py tests/test_sim_determinism.sh \
	tests/test_sim_life.sh tests/test_sim_man.sh

# Benchmark (run by hand: tests/bench/bitsim_bench.sh).
EXTRA_DIST += tests/bench/bitsim_bench.sh

dist_man_MANS += man/bitsim.1

# WinRS shells of client hosts: shapes against real captures, a third-party client.
TESTS += tests/test_sim_shell_shape.py tests/test_sim_shell_pywinrm.py
EXTRA_DIST += tests/test_sim_shell_shape.py tests/test_sim_shell_pywinrm.py
