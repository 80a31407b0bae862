## transport (libcurl), poller threads, bitstop main.
