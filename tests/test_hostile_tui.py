"""Hostile servers against bitstop's screen (tmux, 200x50).

Protects (issue 6, hostile-server tests, TUI side): with every case of
tests/lib/hostile.py and one healthy bitsim host on the same screen, bitstop does
not crash or freeze (keys answer at once), each hostile host shows its clear
error in the host view (key h) within the refresh/timeout budget, the healthy
host keeps being polled and stays ok, no escape sequence or control character
sent by a server reaches the terminal (the window title is not changed, the
captured cells hold no raw controls, the replacement character stands where the
controls were, in the table, the host view and the detail view), the entity's
file is never read, the redirect is never followed, and q exits with 0 leaving
the terminal usable.
"""
import os
import re
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bitsim import PASSWORD, Sim, Results, write_config  # noqa: E402
from hostile import Hostile, MARK, SECRET, Tmux, bad_bytes  # noqa: E402

if shutil.which("tmux") is None:
    print("SKIP: tmux is needed")
    sys.exit(77)
BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")
TMP = tempfile.TemporaryDirectory(prefix="bitstop-hostile-tui-")
CONF = os.path.join(TMP.name, "bitstop.conf")
write_config(CONF)
R = Results()

# Host view STATUS words of each error.kind (src/hosterr.h).
STATUS = {"ok": "ok", "protocol": "bad response", "timeout": "timed out", "connect": "unreachable",
          "http": "HTTP error", "fault": "fault", "access-denied": "access denied"}

SIM = Sim(1, jobs=5, seed=4)
HOSTILE = Hostile()
TMUX = Tmux({"HOME": TMP.name, "XDG_STATE_HOME": os.path.join(TMP.name, "state"),
             "BITSTOP_PASSWORD": PASSWORD})
ADDRS = {c: HOSTILE.addr(c) for c in HOSTILE.cases}
GOOD = SIM.addrs[0]


def fail_screen(msg):
    raise AssertionError("%s\n--- screen:\n%s" % (msg, TMUX.screen()))


def check_terminal_safe(where):
    raw = TMUX.raw_screen()
    bad = bad_bytes(raw)
    if bad is not None:
        fail_screen("%s: raw control on the screen: %s" % (where, bad))
    if SECRET.encode() in raw:
        fail_screen("%s: the entity's file is on the screen" % where)
    for noise in (b"encoding error", b"I/O error", b"parser error"):
        if noise in raw:
            fail_screen("%s: libxml2 wrote over the screen" % where)
    assert "pwned" not in TMUX.title(), "%s: a server set the window title" % where
    assert not HOSTILE.fifo_was_opened(), "%s: the entity's FIFO was opened" % where
    assert HOSTILE.requests("sink") == [], "%s: the redirect was followed" % where


def host_row(screen, addr):
    """The host view's row of addr (after its two-column tag gutter)."""
    for line in screen.splitlines():
        if line[2:].startswith(addr + " "):
            return line
    return None


def statuses_settled(screen):
    """True once every host row of the host view has left 'polling'."""
    for addr in list(ADDRS.values()) + [GOOD]:
        row = host_row(screen, addr)
        if row is None or " polling " in row:
            return False
    return True


def sim_requests():
    for line in SIM.ctl("/stats?host=0").splitlines():
        if line.startswith("requests "):
            return int(line.split()[1])
    return 0


def test_start():
    urls = [SIM.url(0)] + [HOSTILE.url(c) for c in HOSTILE.cases]
    TMUX.type("%s -c %s -d 1 %s; echo rc=$?" % (BITSTOP, CONF, " ".join(urls)))
    if TMUX.wait_text("PROGRESS", 15) is None:
        fail_screen("the job table did not appear")


def test_host_view_shows_each_error():
    TMUX.keys("h")
    if TMUX.wait_text("LAST ERROR", 5) is None:
        fail_screen("h did not open the host view")
    # The trickle host needs its 3 s timeout; 10,000 jobs take a moment to parse.
    screen = TMUX.wait_for(statuses_settled, 30)
    if screen is None:
        fail_screen("some hosts never got a status")
    for case, addr in ADDRS.items():
        kinds, word = Hostile.CASES[case]
        row = host_row(screen, addr)
        shown = [k for k in kinds if (" %s " % STATUS[k]) in row]
        assert shown, "%s: host row %r shows none of %s" % (case, row, kinds)
        if shown[0] != "ok" and word:
            assert word in row, "%s: the host view does not explain: %r" % (case, row)
        print("     %-15s %s" % (case, row[len(addr) + 2:].strip()[:150]))
    assert " ok " in host_row(screen, GOOD), "the healthy host is not ok"
    row = host_row(screen, ADDRS["wrong-type"])
    assert "application/json\ufffd]0;pwned" in row, "the server's escape is not replaced: %r" % row
    check_terminal_safe("host view")


def test_healthy_host_keeps_updating():
    before = sim_requests()
    time.sleep(3.2)
    after = sim_requests()
    assert after >= before + 2, "the healthy host was polled %d times in 3 s" % (after - before)
    screen = TMUX.screen()
    assert " ok " in host_row(screen, GOOD), "the healthy host is not ok any more"
    check_terminal_safe("host view, later")


def test_keys_answer_at_once():
    for key, want in (("h", "PROGRESS"), ("h", "LAST ERROR"), ("h", "PROGRESS")):
        t0 = time.monotonic()
        TMUX.keys(key)
        if TMUX.wait_text(want, 3) is None:
            fail_screen("the screen did not answer the key %s" % key)
        assert time.monotonic() - t0 < 2.5, "key %s took %.1f s" % (key, time.monotonic() - t0)


def filter_host(case):
    """Show only the rows of one case's host (filter on its port)."""
    port = ADDRS[case].split(":")[1]
    # Start from the job table: close whatever a failed check left open, and let
    # ncurses' escape delay pass so that Esc and / do not merge into Alt-/.
    TMUX.keys("Escape")
    time.sleep(0.2)
    if TMUX.wait_text("PROGRESS", 5) is None:
        fail_screen("the job table did not come back")
    TMUX.keys("/")
    TMUX.keys("C-u")
    TMUX.tmux("send-keys", "-t", "t", "-l", port)
    TMUX.keys("Enter")
    screen = TMUX.wait_text('filter "%s"' % port, 5)
    if screen is None:
        fail_screen("the filter did not apply")
    return [ln for ln in screen.splitlines() if ln.startswith("  " + ADDRS[case] + " ")]


def clear_filter():
    TMUX.keys("/")
    TMUX.keys("Escape")
    if TMUX.wait_for(lambda s: 'filter "' not in s, 5) is None:
        fail_screen("the filter did not clear")


def test_table_is_sanitized():
    screen = TMUX.screen()
    assert re.search(r"jobs 1000\d", screen), "10,000 jobs are not counted"
    check_terminal_safe("job table")
    rows = filter_host("controls")
    assert rows, "no row of the controls host"
    assert MARK + "\ufffd2J\ufffd0;pwned" in rows[0], "controls not replaced in NAME: %r" % rows[0]
    assert "OWN\ufffd2J" in rows[0], "controls not replaced in OWNER: %r" % rows[0]
    check_terminal_safe("job table, controls host")


def test_detail_view_is_sanitized():
    filter_host("controls")
    TMUX.keys("Home", "Enter")
    # Wait for the line under test itself: "Files" is drawn before it, and a
    # capture can fall between the two parts of one repaint on a busy machine.
    screen = TMUX.wait_text("http://x/", 5)
    if screen is None:
        fail_screen("the detail view did not open with the job's files")
    assert "http://x/\ufffd2J" in screen, "the remote URL is not shown sanitized"
    check_terminal_safe("detail view")
    TMUX.keys("Escape")
    if TMUX.wait_text("PROGRESS", 5) is None:
        fail_screen("Esc did not close the detail view")
    clear_filter()


def test_long_name_row():
    rows = filter_host("long-name")
    assert rows and MARK + "LLLL" in rows[0], "the 10,000-character name is not shown"
    assert all(len(r) <= 200 for r in rows), "a row is wider than the terminal"
    assert "\u2026" in rows[0], "the long name is not cut with an ellipsis"
    check_terminal_safe("long name")
    clear_filter()


def test_quit_leaves_terminal_usable():
    TMUX.keys("q")
    screen = TMUX.wait_for(lambda s: re.search(r"rc=\d+", s) is not None, 10)
    if screen is None:
        fail_screen("q did not end bitstop")
    rc = re.search(r"rc=(\d+)", screen).group(1)
    assert rc == "0", "bitstop ended with %s" % rc
    TMUX.type('echo "tty:$(stty -a | tr " ;" "\\n\\n" | grep -x -e icanon -e echo | sort | tr "\\n" ,)"')
    if TMUX.wait_text("tty:echo,icanon,", 5) is None:
        fail_screen("the terminal is not back in cooked mode with echo")


try:
    for t in [test_start, test_host_view_shows_each_error, test_healthy_host_keeps_updating,
              test_keys_answer_at_once, test_table_is_sanitized, test_detail_view_is_sanitized,
              test_long_name_row, test_quit_leaves_terminal_usable]:
        R.run(t)
        if R.failed and t is test_start:
            break
finally:
    TMUX.close()
    HOSTILE.close()
    SIM.close()
    TMP.cleanup()
sys.exit(R.finish())
