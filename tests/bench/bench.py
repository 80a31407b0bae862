"""The bitstop benchmark (issue 5): run by tests/bench/run.sh, which sets $BITSTOP,
$BITSIM and the open-file limit. Prints one figure per line on stdout ("NAME
VALUE", with "# target ...: met|MISSED" where the issue sets a target) and
comment lines starting with '#'; progress goes to stderr.

  full run (default): --once on 10, 100 and 1000 hosts x 20 jobs against curl,
      python3-winrm on 10 and 100 hosts, one host with 2000 jobs, interactive
      bitstop on 1000 hosts at a 5 s refresh for 60 s (CPU, RSS, keys, requests
      and connections), and the same protocol counts with first-one batching
  --smoke: the same kinds of figures on a few hosts in a few seconds, without
      target verdicts (CI: proves the benchmark still runs)
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
from bench_tui import tui_first_one, tui_fleet  # noqa: E402

FULL = {
    "once": [(10, 20, 7, 3), (100, 20, 7, 3), (1000, 20, 5, 0)],	# hosts, jobs, runs, winrm runs
    "big": (2000, 5),						# jobs, runs
    "tui": (1000, 20, 5.0, 10, 200),				# hosts, jobs, refresh, cycles, keys
    "first_one": (1000, 20, 5.0, 2),				# hosts, jobs, refresh, cycles
}
SMOKE = {
    "once": [(2, 5, 1, 1), (4, 5, 1, 1)],
    "big": (60, 1),
    "tui": (4, 5, 1.0, 2, 6),
    "first_one": (3, 5, 1.0, 1),
}


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
    ap.add_argument("--only", choices=["once", "big", "tui", "first_one"], action="append",
                    help="run only these parts (repeatable)")
    args = ap.parse_args()
    plan = SMOKE if args.smoke else FULL
    parts = args.only or ["once", "big", "tui", "first_one"]
    hard = raise_nofile()
    need = 4 * max([f[0] for f in plan["once"]] + [plan["tui"][0]]) + 100
    if hard < need:
        log("the open-file hard limit is %d; this run needs about %d (ulimit -Hn)" % (hard, need))
        return 2
    fig = Figures(targets=not args.smoke)
    machine_comments(fig, args)
    work = Workdir()
    try:
        if "once" in parts:
            for hosts, jobs, runs, wruns in plan["once"]:
                once_fleet(fig, work, hosts, jobs, runs, wruns,
                           target_curl=("<=", 1.5) if hosts == 1000 else None,
                           target_winrm=(">=", 20) if hosts == 100 else None)
        if "big" in parts:
            once_big_host(fig, work, plan["big"][0], plan["big"][1], ("<", 100))
        if "tui" in parts:
            hosts, jobs, iv, cycles, keys = plan["tui"]
            tui_fleet(fig, work, hosts, jobs, iv, cycles, keys, {
                "cpu": ("<", 10), "rss": ("<", 64), "key": ("<", 50),
                "req": ("==", 1), "conn": ("==", 0)})
        if "first_one" in parts:
            tui_first_one(fig, work, *plan["first_one"])
    finally:
        work.close()
    fig.comment("targets met: %d of %d%s" % (len(fig.met), len(fig.met) + len(fig.missed),
                                             "; missed: " + ", ".join(fig.missed)
                                             if fig.missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
