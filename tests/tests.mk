## cross-cutting tests (integration against bitsim, end-to-end).
EXTRA_DIST += tests/fixtures
