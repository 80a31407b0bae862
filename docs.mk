## documentation, bash completion and packaging checks.
