"""The bitstop benchmark (issue 13; issue 5 before it): run by tests/bench/run.sh, which sets
$BITSTOP, $BITSIM and the open-file limit. Prints one figure per line on stdout
("NAME VALUE", with "# target ...: met|MISSED" where the issue sets a target)
and comment lines starting with '#'; progress goes to stderr.

bitsim batches like Windows Server 2008 R2 and later (first-one, its default):
a host's jobs come in an Enumerate with one job and Pulls of about 75 KB.

  full run (default): --once on 100 and 1000 hosts x 20 jobs against bitsim's
      own CPU, with the python3-winrm anchors (sequential and 32 workers, 0 and
      20 ms of server latency) on the same fleets; one host with 2000 jobs;
      interactive bitstop at a 5 s refresh with jobs moving on 1000, 2000, 5000
      and 10,000 hosts x 20 jobs (CPU, RSS, keys, requests and connections)
  --smoke: the same kinds of figures on a few hosts in a few seconds, without
      target verdicts (CI: proves the benchmark still runs)
  --tui-hosts N,...: the interactive fleet sizes (what the machine allows)
"""
import argparse
import os
import platform
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import BITSIM, BITSTOP, Figures, Workdir, log, raise_nofile  # noqa: E402
from bench_once import once_big_host, once_fleet  # noqa: E402
from bench_tui import tui_fleet  # noqa: E402

FULL = {
    "once": [(100, 20, 5, True), (1000, 20, 3, True)],	# hosts, jobs, runs, anchors
    "big": (2000, 5),						# jobs, runs
    "tui": [(h, 20, 5.0, 6, 100) for h in (1000, 2000, 5000, 10000)],
    # hosts, jobs, refresh, cycles, keys
}
SMOKE = {
    "once": [(2, 5, 1, True), (4, 5, 1, False)],
    "big": (60, 1),
    "tui": [(4, 5, 1.0, 2, 6)],
}
# The targets (first-one batching, jobs moving, this 2-core machine).
TARGETS_ONCE = {1000: {"sim": ("<=", 1.2), "winrm": (">=", 10)}}
TARGETS_TUI = {
    1000: {"cpu": ("<", 3), "req": ("==", 2), "conn": ("==", 0)},
    10000: {"cpu": ("<", 25), "rss": ("<", 250), "key": ("<", 50), "req": ("==", 2),
            "conn": ("==", 0)},
}
TARGET_BIG_MS = ("<", 100)


def machine_comments(fig, args):
    """Where and when: for RESULTS.md."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ver = subprocess.run([BITSTOP, "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout.decode().splitlines()
    fig.comment("bitstop benchmark, %s run, %s" % ("smoke" if args.smoke else "full",
                                                     time.strftime("%Y-%m-%d %H:%M:%S %Z")))
    fig.comment("machine: %s, %d CPUs (%s), Linux %s" % (platform.node(), os.cpu_count(), cpu,
                                                         platform.release()))
    fig.comment("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    fig.comment("binaries: %s (%s), %s" % (BITSTOP, "; ".join(ver), BITSIM))


def main():
    ap = argparse.ArgumentParser(description="bitstop benchmark")
    ap.add_argument("--smoke", action="store_true", help="a few hosts, a few seconds")
    ap.add_argument("--only", choices=["once", "big", "tui"], action="append",
                    help="run only these parts (repeatable)")
    ap.add_argument("--tui-hosts", help="interactive fleet sizes, comma-separated")
    args = ap.parse_args()
    plan = dict(SMOKE if args.smoke else FULL)
    if args.tui_hosts:
        base = plan["tui"][0]
        plan["tui"] = [(int(h),) + base[1:] for h in args.tui_hosts.split(",")]
    parts = args.only or ["once", "big", "tui"]
    hard = raise_nofile()
    # bitstop holds a socket per host; each bitsim worker three per host it serves.
    biggest = max([f[0] for f in plan["once"]] + [f[0] for f in plan["tui"]])
    need = max(biggest + 200, 3 * min(biggest, 2000) + 100)
    if hard < need:
        log("the open-file hard limit is %d; this run needs about %d (ulimit -Hn)" % (hard, need))
        return 2
    fig = Figures(targets=not args.smoke)
    machine_comments(fig, args)
    work = Workdir()
    try:
        if "once" in parts:
            for hosts, jobs, runs, anchors in plan["once"]:
                once_fleet(fig, work, hosts, jobs, runs, anchors, TARGETS_ONCE.get(hosts))
        if "big" in parts:
            once_big_host(fig, work, plan["big"][0], plan["big"][1], TARGET_BIG_MS)
        if "tui" in parts:
            for hosts, jobs, iv, cycles, keys in plan["tui"]:
                tui_fleet(fig, work, hosts, jobs, iv, cycles, keys, TARGETS_TUI.get(hosts, {}),
                          workers=2 if args.smoke else None)
    finally:
        work.close()
    fig.comment("targets met: %d of %d%s" % (len(fig.met), len(fig.met) + len(fig.missed),
                                             "; missed: " + ", ".join(fig.missed)
                                             if fig.missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
