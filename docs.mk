## documentation and packaging: bitstop(1), the bash completion, and the
## tests that keep the man pages, the completion and the install true.

dist_man_MANS += man/bitstop.1
