#!/usr/bin/python3
"""Soak: bitstop's screen on a 200-host bitsim fleet for ten minutes while a
tenth of the hosts fail, in a way that changes every rotation.

Not part of make check (it runs for --duration seconds). Run from a build tree:

    python3 /path/to/tests/soak/soak.py --build . [--duration 600] [--out DIR]

Every --rotate seconds the faults of the previous rotation are lifted and a new
random --fail-frac of the hosts gets one fault kind each (refused, reset,
truncate, malformed, timeout, trickle, 500, 401, 503, noprovider, denied,
latency past the timeout). Every --sample seconds it records bitstop's RSS,
threads and CPU, the header's host counts, and each host's request count at
bitsim. At the end every fault is lifted, and all hosts must come back to ok.

Checks (exit 1 when one fails):
- RSS stays flat: after the warm-up, the last quarter's median is within
  --rss-slack (default 10 %) of the second quarter's median;
- no thread is stuck: no host that is not refusing connections goes without a
  request for more than --stuck seconds (20), and the thread count does not change;
- every host recovers: late in each rotation no more hosts fail than are
  faulted (the ones lifted at its start are ok again); after the last faults
  are lifted the header shows all hosts ok within --recover seconds, and q
  ends bitstop with 0 at once.
Figures go to stdout and to DIR/samples.tsv.
"""
import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

KINDS = ["refused", "reset", "truncate", "malformed", "timeout&ms=4000", "trickle&bytes=16&ms=400",
         "500", "401", "503", "noprovider", "denied", "latency&ms=4000"]


def proc_stats(pid):
    """(RSS in KiB, threads, CPU seconds) of a process."""
    rss = threads = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss, threads, (int(fields[11]) + int(fields[12])) / ticks


def host_requests(sim, n):
    counts = []
    for i in range(n):
        m = re.search(r"requests (\d+)", sim.ctl("/stats?host=%d" % i))
        counts.append(int(m.group(1)) if m else 0)
    return counts


def header_counts(screen):
    """(ok, failing) from the header line, or None."""
    first = screen.splitlines()[0] if screen else ""
    m = re.search(r"hosts (\d+) ok(?:, (\d+) failing)?", first)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("top_builddir", "."))
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--hosts", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=20)
    ap.add_argument("--fail-frac", type=float, default=0.1)
    ap.add_argument("--rotate", type=float, default=30)
    ap.add_argument("--sample", type=float, default=10)
    ap.add_argument("--delay", type=float, default=1.0, help="bitstop's refresh interval")
    ap.add_argument("--recover", type=float, default=60)
    ap.add_argument("--stuck", type=float, default=20,
                    help="longest time a host may go without a request (the backoff cap of "
                    "8 refresh intervals plus a 3 s timeout fit well within it)")
    ap.add_argument("--rss-slack", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    build = os.path.abspath(a.build)
    os.environ.setdefault("BITSIM", os.path.join(build, "bitsim"))
    os.environ.setdefault("BITSTOP", os.path.join(build, "bitstop"))
    from bitsim import PASSWORD, Sim, write_config
    from hostile import Tmux

    rng = random.Random(a.seed)
    work = tempfile.TemporaryDirectory(prefix="bitstop-soak-")
    out = a.out or tempfile.mkdtemp(prefix="bitstop-soak-out-")
    os.makedirs(out, exist_ok=True)
    conf = os.path.join(work.name, "bitstop.conf")
    write_config(conf)
    problems = []
    sim = Sim(a.hosts, jobs=a.jobs, seed=a.seed, speed="1")
    tmux = Tmux({"HOME": work.name, "XDG_STATE_HOME": os.path.join(work.name, "state"),
                 "BITSTOP_PASSWORD": PASSWORD})
    hosts_file = os.path.join(work.name, "hosts.txt")
    with open(hosts_file, "w") as f:
        for i in range(a.hosts):
            f.write(sim.url(i) + "\n")
    samples = []
    try:
        tmux.type("%s -c %s -d %g -f %s; echo rc=$?" % (os.environ["BITSTOP"], conf, a.delay,
                                                        hosts_file))
        if tmux.wait_text("hosts %d ok" % a.hosts, 60) is None:
            raise SystemExit("the fleet did not come up:\n" + tmux.screen())
        shpid = tmux.pane_pid()
        pid = None
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/stat" % d) as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == shpid:
                            pid = int(d)
                except (OSError, ValueError):
                    pass
        assert pid is not None, "no bitstop process"
        t0 = time.monotonic()
        faulted = {}
        next_rotate = t0
        prev_counts = host_requests(sim, a.hosts)
        prev_faulted = {}
        next_sample = t0 + a.sample
        rotations = 0
        rotated_at = t0
        last_request = [t0] * a.hosts
        print("%7s %9s %7s %6s %9s %8s %8s %8s %s" % ("t(s)", "RSS(MiB)", "threads", "CPU%",
                                                     "ok/fail", "faulted", "min-req", "max-gap",
                                                     "kinds"))
        last_cpu = proc_stats(pid)[2]
        last_t = t0
        while time.monotonic() - t0 < a.duration:
            now = time.monotonic()
            if now >= next_rotate:
                if faulted:
                    sim.ctl("/clear?host=%s" % ",".join(str(h) for h in faulted))
                chosen = rng.sample(range(a.hosts), max(1, int(a.hosts * a.fail_frac)))
                prev_faulted = dict(faulted)
                faulted = {h: rng.choice(KINDS) for h in chosen}
                for h, kind in faulted.items():
                    sim.ctl("/fault?host=%d&kind=%s" % (h, kind))
                rotations += 1
                rotated_at = now
                next_rotate = now + a.rotate
            if now >= next_sample:
                rss, threads, cpu = proc_stats(pid)
                counts = host_requests(sim, a.hosts)
                skip = {h for h, k in list(faulted.items()) + list(prev_faulted.items())
                        if k == "refused"}
                deltas = [c - p for i, (c, p) in enumerate(zip(counts, prev_counts))
                          if i not in skip]
                for i, (c, p) in enumerate(zip(counts, prev_counts)):
                    if c != p or i in skip:
                        last_request[i] = now
                gaps = [now - last_request[i] for i in range(a.hosts)]
                stuck = [i for i in range(a.hosts) if gaps[i] > a.stuck]
                prev_counts = counts
                hc = header_counts(tmux.screen())
                cpu_pct = 100.0 * (cpu - last_cpu) / max(1e-6, now - last_t)
                last_cpu, last_t = cpu, now
                kinds = sorted({k.split("&")[0] for k in faulted.values()})
                samples.append((now - t0, rss, threads, cpu_pct, hc, len(faulted), min(deltas),
                                max(gaps)))
                print("%7.0f %9.1f %7d %6.1f %9s %8d %8d %8.1f %s" % (
                    now - t0, rss / 1024.0, threads, cpu_pct,
                    "%d/%d" % hc if hc else "?", len(faulted), min(deltas), max(gaps),
                    ",".join(kinds)))
                sys.stdout.flush()
                # Hosts whose fault was lifted a while ago must be ok again.
                if hc and now - rotated_at >= a.rotate * 0.6 and hc[1] > len(faulted):
                    problems.append("t=%.0f: %d hosts failing but only %d faulted" % (
                        now - t0, hc[1], len(faulted)))
                if stuck:
                    problems.append("t=%.0f: hosts %s got no request for over %.0f s" % (
                        now - t0, stuck[:10], a.stuck))
                next_sample = now + a.sample
            time.sleep(0.2)
        # Lift everything: every host must come back.
        sim.ctl("/clear?host=all")
        t_clear = time.monotonic()
        ok = tmux.wait_text("hosts %d ok" % a.hosts, a.recover)
        recovered = time.monotonic() - t_clear
        if ok is None or "failing" in ok.splitlines()[0]:
            problems.append("not every host recovered within %.0f s: %s" % (
                a.recover, tmux.screen().splitlines()[0]))
        rss_end, threads_end, _ = proc_stats(pid)
        t_quit = time.monotonic()
        tmux.keys("q")
        done = tmux.wait_for(lambda s: re.search(r"rc=\d+", s) is not None, 10)
        quit_s = time.monotonic() - t_quit
        if done is None or "rc=0" not in done:
            problems.append("q did not end bitstop with 0 within 10 s")
    finally:
        tmux.close()
        sim.close()

    # Figures and the flatness check.
    with open(os.path.join(out, "samples.tsv"), "w") as f:
        f.write("t_s\trss_kib\tthreads\tcpu_pct\tok\tfailing\tfaulted\tmin_requests\t"
                "max_gap_s\n")
        for t, rss, th, cpu, hc, nf, mr, st in samples:
            f.write("%.0f\t%d\t%d\t%.1f\t%s\t%s\t%d\t%d\t%.1f\n" % (
                t, rss, th, cpu, hc[0] if hc else "", hc[1] if hc else "", nf, mr, st))
    n = len(samples)
    if n >= 8:
        q = n // 4
        second = statistics.median(s[1] for s in samples[q:2 * q])
        last = statistics.median(s[1] for s in samples[3 * q:])
        growth = (last - second) / second
        if growth > a.rss_slack:
            problems.append("RSS grew %.1f %% (%.1f -> %.1f MiB)" % (
                100 * growth, second / 1024, last / 1024))
        print("RSS: median %.1f MiB in the second quarter, %.1f MiB in the last (%+.1f %%); "
              "min %.1f, max %.1f MiB" % (second / 1024, last / 1024, 100 * growth,
                                          min(s[1] for s in samples) / 1024,
                                          max(s[1] for s in samples) / 1024))
    threads = {s[2] for s in samples}
    if len(threads) > 1:
        problems.append("the thread count changed: %s" % sorted(threads))
    print("threads: %s; rotations: %d; recovery after lifting all faults: %.1f s; "
          "q took %.2f s; CPU mean %.1f %%" % (sorted(threads), rotations, recovered, quit_s,
                                              statistics.mean(s[3] for s in samples) if samples
                                              else 0))
    print("samples: %s" % os.path.join(out, "samples.tsv"))
    if problems:
        print("SOAK FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("soak passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
