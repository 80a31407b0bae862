"""bitstop --once against bitsim fleets: wall and CPU time against bitsim's own
CPU (the floor), the python3-winrm anchors (sequential and 32 workers, 0 and
20 ms of server latency, side by side on the same fleet), and one host with
many jobs.

No curl figure: with first-one batching a host answers in an Enumerate and
Pulls that carry the context of the answer before, which curl --parallel
cannot do, so it would not perform the same exchange."""
import json
import os

from benchlib import (BITSTOP, USER, Fleet, log, median, run_timed)

HERE = os.path.dirname(os.path.abspath(__file__))
WINRM_POLL = os.path.join(HERE, "winrm_poll.py")
# The fan-out an administrator would use: PowerShell's default ThrottleLimit.
WINRM_WORKERS = 32
# Server latencies of the anchors, in ms.
LATENCIES = (0, 20)


def run_bitstop_once(work, fleet, fmt, out_path):
    """bitstop --once over the whole fleet; (rc, wall, cpu, bitsim cpu)."""
    sim0 = fleet.cpu()
    with open(out_path, "w") as out:
        rc, wall, cpu = run_timed([BITSTOP, "-c", work.config, "-f", fleet.hosts_file,
                                   "--once", "--format", fmt], stdout=out, env=work.env)
    return rc, wall, cpu, fleet.cpu() - sim0


def check_tsv(path, fleet):
    """Every job of every host is in the report and no host failed."""
    with open(path) as f:
        lines = f.read().splitlines()
    want = fleet.hosts * fleet.jobs + 1
    if len(lines) != want:
        raise RuntimeError("bitstop --once printed %d lines, expected %d" % (len(lines), want))


def run_winrm(work, fleet, workers=1):
    """The python3-winrm poller over the fleet (one host after another, or a
    pool of `workers` threads); (wall, cpu)."""
    out_path = work.path("winrm.out")
    args = ["/usr/bin/python3", "-B", WINRM_POLL] + \
        (["--workers", str(workers)] if workers > 1 else []) + [USER] + fleet.urls
    with open(out_path, "w") as out:
        rc, wall, cpu = run_timed(args, stdout=out, env=work.env, timeout=3600)
    with open(out_path) as f:
        got = f.read().split()
    want = ["hosts", str(fleet.hosts), "jobs", str(fleet.hosts * fleet.jobs), "errors", "0"]
    if rc != 0 or got != want:
        raise RuntimeError("python3-winrm poller: exit %d, %s" % (rc, " ".join(got)))
    return wall, cpu


def once_runs(work, fleet, reps):
    """bitstop --once `reps` times, each report checked; medians of (wall, cpu, bitsim cpu)."""
    walls, cpus, sims = [], [], []
    for _ in range(reps):
        out = work.path("once.tsv")
        rc, wall, cpu, sim = run_bitstop_once(work, fleet, "tsv", out)
        if rc != 0:
            raise RuntimeError("bitstop --once exited %d" % rc)
        check_tsv(out, fleet)
        walls.append(wall)
        cpus.append(cpu)
        sims.append(sim)
    return median(walls), median(cpus), median(sims)


def once_fleet(fig, work, hosts, jobs, reps, anchors, targets=None):
    """Figures for one fleet: bitstop --once against bitsim's CPU and, with
    anchors, the python3-winrm pollers at each latency (targets: 'sim' bounds
    bitstop CPU / bitsim CPU, 'winrm' bounds 32-worker wall at 20 ms / bitstop's)."""
    targets = targets or {}
    tag = "%dh" % hosts
    log("--once: %d hosts x %d jobs, %d runs" % (hosts, jobs, reps))
    with Fleet(hosts, jobs) as fleet:
        once_runs(work, fleet, 1)	# warm-up: every host has rendered its jobs once
        wall, cpu, sim = once_runs(work, fleet, reps)
        fig.put("once_%s_wall_s" % tag, wall)
        fig.put("once_%s_cpu_s" % tag, cpu)
        fig.put("once_%s_bitsim_cpu_s" % tag, sim)
        fig.put("once_%s_cpu_vs_bitsim" % tag, cpu / sim if sim > 0 else 0.0, "%.2f",
                targets.get("sim"))
        if not anchors:
            return
        for ms in LATENCIES:
            fleet.latency(ms)
            if ms > 0:
                wall = once_runs(work, fleet, max(1, reps // 2))[0]
            lt = "%s_%dms" % (tag, ms)
            fig.put("once_%s_wall_s" % lt, wall)
            log("python3-winrm, %d hosts, %d ms, sequential" % (hosts, ms))
            seq = run_winrm(work, fleet)[0]
            log("python3-winrm, %d hosts, %d ms, %d workers" % (hosts, ms, WINRM_WORKERS))
            par = run_winrm(work, fleet, WINRM_WORKERS)[0]
            fig.put("winrm_seq_%s_wall_s" % lt, seq)
            fig.put("winrm_%dw_%s_wall_s" % (WINRM_WORKERS, lt), par)
            fig.put("winrm_seq_%s_vs_bitstop" % lt, seq / wall, "%.1f")
            fig.put("winrm_%dw_%s_vs_bitstop" % (WINRM_WORKERS, lt), par / wall, "%.1f",
                    targets.get("winrm") if ms == 20 else None)
        fleet.latency(0)


def start_big_fleet(jobs):
    """One host with `jobs` jobs: bitsim's MaxJobsPerMachine (300 by default, as
    in BITS) raised with --max-jobs for this case."""
    return Fleet(1, jobs, extra=("--max-jobs", str(max(jobs, 300)))), jobs


def once_big_host(fig, work, jobs, reps, target_ms=None):
    """One host with many jobs: the time of one full refresh (every request parsed)."""
    fleet, jobs = start_big_fleet(jobs)
    tag = "%dj" % jobs
    log("--once: 1 host x %d jobs, %d runs" % (jobs, reps))
    with fleet:
        req0, _ = fleet.stats(0)
        lat, cpus, walls = [], [], []
        for _ in range(reps):
            out = work.path("big.json")
            rc, wall, cpu, _ = run_bitstop_once(work, fleet, "json", out)
            with open(out) as f:
                host = json.load(f)["hosts"][0]
            if rc != 0 or host["status"] != "ok" or len(host["jobs"]) != jobs:
                raise RuntimeError("big host: exit %d, status %s, %d jobs" %
                                   (rc, host["status"], len(host["jobs"])))
            lat.append(host["latency_ms"])
            cpus.append(cpu)
            walls.append(wall)
        req1, _ = fleet.stats(0)
        fig.put("bighost_%s_refresh_ms" % tag, median(lat), "%.0f", target_ms)
        fig.put("bighost_%s_wall_ms" % tag, median(walls) * 1000, "%.0f")
        fig.put("bighost_%s_cpu_ms" % tag, median(cpus) * 1000, "%.0f")
        fig.put("bighost_%s_requests" % tag, (req1 - req0) / reps, "%.1f")
