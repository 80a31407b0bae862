#!/usr/bin/python3
"""The shell backend at fleet scale, beside the WMI backend on the same run.

One bitsim fleet of Windows 10/11 clients (every host reached through the
PowerShell agent in a WinRS shell) and one of servers (the WMI provider), the
same size, jobs and refresh; bitstop's screen in tmux against each. Figures
per backend: bitstop CPU (share of one core) in the steady state, HTTP
requests per host per refresh and new WinRS shells per host per refresh, as
bitsim counts them over the measured refreshes.

    tests/bench/bench_shell.py [--hosts 1000] [--jobs 20] [--interval 5] [--cycles 6]
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import Fleet, Workdir, log  # noqa: E402
from bench_tui import protocol_window, run_tui, sample_hosts  # noqa: E402


def shells_created(fleet, hosts):
    total = 0
    for h in hosts:
        for line in fleet.ctl("/stats?host=%d" % h).splitlines():
            k, _, v = line.partition(" ")
            if k == "shells_created":
                total += int(v)
    return total


def measure(work, kind, hosts, jobs, interval, cycles):
    extra = ["--batching", "all"] + (["--client-hosts", str(hosts)] if kind == "shell" else [])
    with Fleet(hosts, jobs, extra) as fleet:
        tm, t0 = run_tui(work, fleet, interval, cycles)
        try:
            sample = sample_hosts(fleet.hosts)
            s0 = shells_created(fleet, sample)
            cpu, _sim, req, conn, _gerr = protocol_window(fleet, tm, t0, interval, cycles)
            s1 = shells_created(fleet, sample)
            bsim = fleet.cpu()
        finally:
            tm.keys("q")
            deadline = time.monotonic() + 15
            while os.path.exists("/proc/%d" % tm.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            tm.close()
        left = sum(int(dict(l.split() for l in fleet.ctl("/stats?host=%d" % h).splitlines())
                       .get("shells", 0)) for h in sample)
    new = (s1 - s0) / float(len(sample) * cycles)
    return cpu, req, conn, new, left, bsim


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=20)
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--cycles", type=int, default=6)
    a = ap.parse_args()
    work = Workdir()
    try:
        for kind in ("shell", "wmi"):
            log("%s backend: %d hosts x %d jobs, refresh %g s, %d refreshes" %
                (kind, a.hosts, a.jobs, a.interval, a.cycles))
            cpu, req, conn, new, left, bsim = measure(work, kind, a.hosts, a.jobs, a.interval,
                                                      a.cycles)
            print("%s_%dh_cpu_pct %.1f" % (kind, a.hosts, cpu * 100))
            print("%s_%dh_requests_per_host_refresh %.2f" % (kind, a.hosts, req))
            print("%s_%dh_connections_per_host_refresh %.2f" % (kind, a.hosts, conn))
            print("%s_%dh_new_shells_per_host_refresh %.2f" % (kind, a.hosts, new))
            print("%s_%dh_shells_left_after_q %d" % (kind, a.hosts, left))
            sys.stdout.flush()
    finally:
        work.close()


if __name__ == "__main__":
    main()
