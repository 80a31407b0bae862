"""bitstop --once against bitsim fleets: wall and CPU time, the curl lower bound,
the python3-winrm baseline, and one host with many jobs."""
import json
import os
import subprocess

from benchlib import (BITSTOP, USER, Fleet, log, median, run_timed)

HERE = os.path.dirname(os.path.abspath(__file__))
WINRM_POLL = os.path.join(HERE, "winrm_poll.py")
# Transfers curl keeps in flight; bitstop keeps up to 96 per poller thread.
CURL_PARALLEL = 100


def curl_config(work, fleet):
    """A curl -K file naming every host's URL (too many for a command line)."""
    path = work.path("curl-%d.cfg" % fleet.hosts)
    with open(path, "w") as f:
        for url in fleet.urls:
            f.write('url = "%s"\n' % url)
    return path


def run_curl(work, fleet, cfg):
    """The lower bound: POST the same Enumerate to every host, answers discarded."""
    return run_timed(["curl", "-sS", "--fail", "--parallel", "--parallel-max",
                      str(CURL_PARALLEL), "-u", "%s:%s" % (USER, work.env["BITSTOP_PASSWORD"]),
                      "-H", "Content-Type: application/soap+xml;charset=UTF-8",
                      "--data-binary", "@" + work.enum, "-K", cfg], env=work.env)


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


def run_winrm(work, fleet):
    """The python3-winrm poller over the fleet, one host after another."""
    out_path = work.path("winrm.out")
    with open(out_path, "w") as out:
        rc, wall, cpu = run_timed(["/usr/bin/python3", "-B", WINRM_POLL, USER] + fleet.urls,
                                  stdout=out, env=work.env, timeout=1800)
    with open(out_path) as f:
        got = f.read().split()
    want = ["hosts", str(fleet.hosts), "jobs", str(fleet.hosts * fleet.jobs), "errors", "0"]
    if rc != 0 or got != want:
        raise RuntimeError("python3-winrm poller: exit %d, %s" % (rc, " ".join(got)))
    return wall, cpu


def once_fleet(fig, work, hosts, jobs, reps, winrm_reps, target_curl=None, target_winrm=None):
    """Figures for one fleet: bitstop --once against curl (and python3-winrm)."""
    tag = "%dh" % hosts
    log("--once: %d hosts x %d jobs, %d runs" % (hosts, jobs, reps))
    with Fleet(hosts, jobs) as fleet:
        cfg = curl_config(work, fleet)
        run_curl(work, fleet, cfg)	# warm-up: every host has rendered its jobs once
        walls, cpus, sims, curls = [], [], [], []
        for _ in range(reps):
            out = work.path("once.tsv")
            rc, wall, cpu, sim = run_bitstop_once(work, fleet, "tsv", out)
            if rc != 0:
                raise RuntimeError("bitstop --once exited %d" % rc)
            check_tsv(out, fleet)
            walls.append(wall)
            cpus.append(cpu)
            sims.append(sim)
            rc, wall, _ = run_curl(work, fleet, cfg)
            if rc != 0:
                raise RuntimeError("curl exited %d" % rc)
            curls.append(wall)
        wall, curl = median(walls), median(curls)
        fig.put("once_%s_wall_s" % tag, wall)
        fig.put("once_%s_cpu_s" % tag, median(cpus))
        fig.put("once_%s_bitsim_cpu_s" % tag, median(sims))
        fig.put("curl_%s_wall_s" % tag, curl)
        fig.put("once_%s_vs_curl" % tag, wall / curl, "%.2f", target_curl)
        if winrm_reps > 0:
            log("python3-winrm: %d hosts, %d runs" % (hosts, winrm_reps))
            ww = [run_winrm(work, fleet)[0] for _ in range(winrm_reps)]
            fig.put("winrm_%s_wall_s" % tag, median(ww))
            fig.put("winrm_%s_vs_bitstop" % tag, median(ww) / wall, "%.1f", target_winrm)


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


def curl_available():
    return subprocess.run(["curl", "--version"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0
