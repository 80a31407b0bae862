## cross-cutting tests (integration against bitsim, end-to-end).
