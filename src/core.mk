## wsman client core and BITS model (envelopes, parsing, faults, operations).
libbitstop_a_SOURCES += src/bits_job.c
