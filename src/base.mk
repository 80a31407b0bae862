## Shared base modules and the interface headers between layers.
libbitstop_a_SOURCES += \
	src/xalloc.c src/xalloc.h \
	src/strbuf.c src/strbuf.h \
	src/slurp.c src/slurp.h \
	src/hosterr.c src/hosterr.h \
	src/snapshot.c src/snapshot.h \
	src/action.c src/action.h \
	src/bits_job.h src/poller.h src/cfg.h src/creds.h \
	src/sanitize.h src/audit.h
