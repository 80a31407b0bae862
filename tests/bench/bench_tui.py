"""Interactive bitstop in tmux against a bitsim fleet: steady-state CPU, peak RSS,
keypress-to-screen latency, and requests and new TCP connections per refresh as
bitsim counts them."""
import os
import random
import re
import select
import subprocess
import time

from benchlib import (BITSTOP, Fleet, log, median, percentile, proc_cpu, proc_status)

SGR = re.compile(rb"^\x1b\[([0-9;]*)m")
WIDTH, HEIGHT = 200, 50
# Rows above the table body: two header lines and the column titles.
BODY_TOP = 3


class Tmux:
    """bitstop in a private tmux server, driven through one control-mode client
    (commands answer in well under a millisecond, so they barely add to what is timed)."""

    count = 0

    def __init__(self, work, args):
        Tmux.count += 1	# a fresh server each time: one being killed may linger
        self.sock = "bitstop-bench-%d-%d" % (os.getpid(), Tmux.count)
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d",
                        "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT),
                        "exec " + " ".join(args)], env=work.env, check=True)
        self.ctl = subprocess.Popen(["tmux", "-L", self.sock, "-C", "attach", "-t", "bench",
                                     "-f", "no-output,ignore-size"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.buf = b""
        # The attach itself answers with one (empty) block first.
        while not self._line().startswith((b"%end", b"%error")):
            pass
        self.pid = int(self.cmd("list-panes -t bench -F '#{pane_pid}'")[0])

    def _line(self):
        fd = self.ctl.stdout.fileno()
        while b"\n" not in self.buf:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise RuntimeError("tmux control client gave no answer in 10 s")
            data = os.read(fd, 65536)
            if not data:
                raise RuntimeError("tmux control client closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def cmd(self, text):
        """Run a tmux command; its output lines."""
        self.ctl.stdin.write(text.encode() + b"\n")
        out, inside = [], False
        while True:
            line = self._line()
            if line.startswith(b"%begin"):
                inside, out = True, []
            elif inside and (line.startswith(b"%end") or line.startswith(b"%error")):
                if line.startswith(b"%error"):
                    raise RuntimeError("tmux: %s: %s" % (text, b" ".join(out).decode()))
                return out
            elif inside:
                out.append(line)

    def screen(self, escapes=False):
        return self.cmd("capture-pane -p -t bench" + (" -e" if escapes else ""))

    def keys(self, *keys):
        self.cmd("send-keys -t bench " + " ".join(keys))

    def close(self):
        try:
            self.ctl.stdin.close()
            self.ctl.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.ctl.kill()
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], stderr=subprocess.DEVNULL)


def selected_row(screen):
    """Screen line of the selected table row (reverse video in the mono theme), or None."""
    for i in range(BODY_TOP, len(screen) - 2):
        m = SGR.match(screen[i])
        if m and b"7" in m.group(1).split(b";"):
            return i
    return None


def wait_all_ok(tm, hosts, timeout):
    """Wait until the header counts every host ok."""
    want = ("hosts %d ok" % hosts).encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(want in line for line in tm.screen()[:2]):
            return
        time.sleep(0.1)
    raise RuntimeError("bitstop never showed '%s'; screen:\n%s" %
                       (want.decode(), b"\n".join(tm.screen()).decode("utf-8", "replace")))


def sleep_until(t):
    d = t - time.monotonic()
    if d > 0:
        time.sleep(d)


def sample_hosts(n):
    step = max(1, n // 100)
    return list(range(0, n, step))


def counts(fleet, hosts):
    """Per host: (requests, connections, GetError requests) bitsim has counted so far."""
    out = []
    for h in hosts:
        s = fleet.stats_all(h)
        out.append((s.get("requests", 0), s.get("connections", 0), s.get("get_errors", 0)))
    return out


def spread(before, after, index):
    """How many hosts saw each delta (a poll that crossed a window edge shows as +-1)."""
    hist = {}
    for b, a in zip(before, after):
        d = a[index] - b[index]
        hist[d] = hist.get(d, 0) + 1
    return ", ".join("%d: %d hosts" % kv for kv in sorted(hist.items()))


def key_latencies(tm, samples, timeout=2.0):
    """Move the cursor down and up; ms from send-keys until capture-pane shows the move."""
    tm.keys("Home")
    for _ in range(5):
        tm.keys("j")
    base = None
    deadline = time.monotonic() + 5
    while base is None and time.monotonic() < deadline:
        row = selected_row(tm.screen(True))
        if row == BODY_TOP + 5:
            base = row
    if base is None:
        raise RuntimeError("cannot find the selected row after Home and 5 x j")
    lat = []
    for i in range(samples):
        time.sleep(random.uniform(0.05, 0.25))
        key, want = ("j", base + 1) if i % 2 == 0 else ("k", base)
        start = time.monotonic()
        tm.keys(key)
        while selected_row(tm.screen(True)) != want:
            if time.monotonic() - start > timeout:
                log("key %s: no move on screen within %.0f s" % (key, timeout))
                break
        lat.append((time.monotonic() - start) * 1000.0)
    return lat


def run_tui(work, fleet, interval, cycles, extra_args=()):
    """Start bitstop in tmux; returns (tmux, t0) once every host is ok."""
    args = [BITSTOP, "-c", work.config, "-f", fleet.hosts_file, "-d", "%g" % interval,
            "--no-color"] + list(extra_args)
    t0 = time.monotonic()
    tm = Tmux(work, args)
    try:
        wait_all_ok(tm, fleet.hosts, max(30.0, 1.5 * interval) + fleet.hosts / 200.0)
    except Exception:
        tm.close()
        raise
    return tm, t0


def protocol_window(fleet, tm, t0, interval, cycles):
    """CPU share of bitstop and of bitsim, requests and connections per host
    over `cycles` refreshes.

    Every host is polled at t0 + k * interval; the window runs between two
    mid-points of refreshes (the first one after start-up is over), so it
    holds exactly `cycles` polls of each host."""
    hosts = sample_hosts(fleet.hosts)
    k = 1
    while t0 + (k + 0.5) * interval < time.monotonic() + 0.2:
        k += 1
    sleep_until(t0 + (k + 0.5) * interval)
    cpu0, sim0, c0 = proc_cpu(tm.pid), fleet.cpu(), counts(fleet, hosts)
    w0 = time.monotonic()
    sleep_until(t0 + (k + 0.5 + cycles) * interval)
    cpu1, sim1, c1 = proc_cpu(tm.pid), fleet.cpu(), counts(fleet, hosts)
    w1 = time.monotonic()
    log("requests per host over %d refreshes: %s" % (cycles, spread(c0, c1, 0)))
    log("connections per host over %d refreshes: %s" % (cycles, spread(c0, c1, 1)))
    per = float(len(hosts) * cycles)
    req = sum(a[0] - b[0] for a, b in zip(c1, c0)) / per
    conn = sum(a[1] - b[1] for a, b in zip(c1, c0)) / per
    gerr = sum(a[2] - b[2] for a, b in zip(c1, c0)) / per
    return (cpu1 - cpu0) / (w1 - w0), (sim1 - sim0) / (w1 - w0), req, conn, gerr


def tui_fleet(fig, work, hosts, jobs, interval, cycles, keys, targets, workers=None):
    """Figures of the interactive run: first-one batching (bitsim's default),
    jobs moving (simulated time runs at real speed)."""
    tag = "%dh" % hosts
    log("interactive: %d hosts x %d jobs, refresh %g s, %d refreshes measured, %d keys" %
        (hosts, jobs, interval, cycles, keys))
    with Fleet(hosts, jobs, speed=1, workers=workers) as fleet:
        tm, t0 = run_tui(work, fleet, interval, cycles)
        try:
            cpu, sim, req, conn, gerr = protocol_window(fleet, tm, t0, interval, cycles)
            rss = proc_status(tm.pid, "VmHWM")
            lat = key_latencies(tm, keys)
            rss = max(rss, proc_status(tm.pid, "VmHWM"))
            tm.keys("q")
        finally:
            tm.close()
    fig.put("tui_%s_cpu_pct" % tag, cpu * 100.0, "%.1f", targets.get("cpu"))
    fig.put("tui_%s_bitsim_cpu_pct" % tag, sim * 100.0, "%.1f")
    fig.put("tui_%s_rss_peak_mb" % tag, rss, "%.1f", targets.get("rss"))
    fig.put("tui_%s_key_p50_ms" % tag, median(lat), "%.1f")
    fig.put("tui_%s_key_p99_ms" % tag, percentile(lat, 99), "%.1f", targets.get("key"))
    fig.put("tui_%s_key_max_ms" % tag, max(lat) if lat else 0.0, "%.1f")
    fig.put("tui_%s_requests_per_refresh" % tag, req, "%.2f", targets.get("req"))
    # Of those, GetError: the codes of jobs that entered an error state (each asked once).
    fig.put("tui_%s_get_errors_per_refresh" % tag, gerr, "%.3f")
    fig.put("tui_%s_new_conns_per_refresh" % tag, conn, "%.2f", targets.get("conn"))
