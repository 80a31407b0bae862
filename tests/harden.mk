## hardening (issue 6): fuzz harnesses and their regression replay, hostile-server,
## secrets, TLS and nothing-lost tests, the poller test for TSan, the CI script.

# Every fuzz harness also builds without libFuzzer: fuzz_main.c replays the seed
# fixtures and the inputs kept in tests/fuzz/<target>/ through it in make check.
check_PROGRAMS += tests/fuzz_response_replay tests/fuzz_config_replay tests/fuzz_theme_replay \
	tests/fuzz_agent_replay
TESTS += tests/fuzz_response_replay tests/fuzz_config_replay tests/fuzz_theme_replay \
	tests/fuzz_agent_replay
tests_fuzz_agent_replay_SOURCES = tests/fuzz_agent.c tests/fuzz_main.c
tests_fuzz_agent_replay_CFLAGS = $(TEST_CFLAGS) \
	-DFUZZ_CORPUS_DIRS='"tests/fuzz/agent:tests/fixtures/real/winrs"'
tests_fuzz_agent_replay_LDADD = libbitstop.a $(CORE_LIBS)
tests_fuzz_response_replay_SOURCES = tests/fuzz_response.c tests/fuzz_main.c
tests_fuzz_response_replay_CFLAGS = $(TEST_CFLAGS) \
	-DFUZZ_REPLAY -DFUZZ_CORPUS_DIRS='"tests/fuzz/response:tests/fixtures/bits:tests/fixtures/real"'
tests_fuzz_response_replay_LDADD = libcli.a libbitstop.a $(CORE_LIBS)
tests_fuzz_config_replay_SOURCES = tests/fuzz_config.c tests/fuzz_main.c
tests_fuzz_config_replay_CFLAGS = $(TEST_CFLAGS) \
	-DFUZZ_CORPUS_DIRS='"tests/fuzz/config:tests/fixtures/cfg"'
tests_fuzz_config_replay_LDADD = libbitstop.a $(CORE_LIBS)
tests_fuzz_theme_replay_SOURCES = tests/fuzz_theme.c tests/fuzz_main.c
tests_fuzz_theme_replay_CFLAGS = $(TEST_CFLAGS) $(NCURSES_CFLAGS) \
	-DFUZZ_CORPUS_DIRS='"tests/fuzz/theme:themes"'
tests_fuzz_theme_replay_LDADD = libtui.a libbitstop.a $(NCURSES_LIBS) $(CORE_LIBS)

EXTRA_DIST += tests/fuzz

if ENABLE_FUZZING
# libFuzzer harnesses (CC=clang, --enable-fuzzing): the core library again with
# coverage and ASan+UBSan instrumentation, and one fuzzer program per parser.
HARDEN_FUZZ_CFLAGS = -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
	-fsanitize=fuzzer-no-link,address,undefined
HARDEN_FUZZ_LINK = -fsanitize=fuzzer,address,undefined

noinst_LIBRARIES += libfuzzcore.a
libfuzzcore_a_CFLAGS = $(CORE_CFLAGS) $(NCURSES_CFLAGS) $(TUI_THEME_CFLAGS) $(HARDEN_FUZZ_CFLAGS)
libfuzzcore_a_SOURCES = $(libbitstop_a_SOURCES) cli/output.c tui/theme.c
nodist_libfuzzcore_a_SOURCES = $(nodist_libbitstop_a_SOURCES)

noinst_PROGRAMS += tests/fuzz_response tests/fuzz_config tests/fuzz_theme tests/fuzz_agent
tests_fuzz_agent_SOURCES = tests/fuzz_agent.c
tests_fuzz_agent_CFLAGS = $(CORE_CFLAGS) $(HARDEN_FUZZ_CFLAGS)
tests_fuzz_agent_LDFLAGS = $(HARDEN_FUZZ_LINK)
tests_fuzz_agent_LDADD = libfuzzcore.a $(CORE_LIBS)
tests_fuzz_response_SOURCES = tests/fuzz_response.c
tests_fuzz_response_CFLAGS = $(CORE_CFLAGS) $(HARDEN_FUZZ_CFLAGS)
tests_fuzz_response_LDFLAGS = $(HARDEN_FUZZ_LINK)
tests_fuzz_response_LDADD = libfuzzcore.a $(CORE_LIBS)
tests_fuzz_config_SOURCES = tests/fuzz_config.c
tests_fuzz_config_CFLAGS = $(CORE_CFLAGS) $(HARDEN_FUZZ_CFLAGS)
tests_fuzz_config_LDFLAGS = $(HARDEN_FUZZ_LINK)
tests_fuzz_config_LDADD = libfuzzcore.a $(CORE_LIBS)
tests_fuzz_theme_SOURCES = tests/fuzz_theme.c
tests_fuzz_theme_CFLAGS = $(CORE_CFLAGS) $(NCURSES_CFLAGS) $(HARDEN_FUZZ_CFLAGS)
tests_fuzz_theme_LDFLAGS = $(HARDEN_FUZZ_LINK)
tests_fuzz_theme_LDADD = libfuzzcore.a $(NCURSES_LIBS) $(CORE_LIBS)
endif

# Hostile servers (tests/lib/hostile.py) against --once and the screen.
TESTS += tests/test_hostile.py tests/test_hostile_tui.py
EXTRA_DIST += tests/test_hostile.py tests/test_hostile_tui.py tests/lib/hostile.py tests/lib/lowport.py

# Secrets: argv, child environments, -v, audit log, messages, screen, config mode, redirect.
TESTS += tests/test_secrets.py
EXTRA_DIST += tests/test_secrets.py

# TLS with a self-signed certificate made by the test (openssl).
TESTS += tests/test_tls.py
EXTRA_DIST += tests/test_tls.py

# Nothing lost: SIGKILL and SIGTERM in the middle of a bulk cancel.
TESTS += tests/test_nothing_lost.py
EXTRA_DIST += tests/test_nothing_lost.py

# The real poller against a bitsim child, thread-heavy (also run under TSan).
check_PROGRAMS += tests/test_poller
TESTS += tests/test_poller
tests_test_poller_SOURCES = tests/test_poller.c
tests_test_poller_CFLAGS = $(TEST_CFLAGS)
tests_test_poller_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

# CI's hardening run (ASan+UBSan make check, TSan, valgrind, fuzzers) and the soak
# benchmark (not run by make check).
EXTRA_DIST += tests/ci_harden.sh tests/soak/soak.py

# Hardening, second round (issue 14): redirects, audit log, deadlines, limits.
TESTS += tests/test_harden2.py
EXTRA_DIST += tests/test_harden2.py
