## cross-cutting tests (integration against bitsim, end-to-end).
EXTRA_DIST += tests/fixtures

# No circle of calls between the .c files of a directory, read from the
# built objects with nm (the directories are listed at the top of the script).
TESTS += tests/check_circles.sh
EXTRA_DIST += tests/check_circles.sh
