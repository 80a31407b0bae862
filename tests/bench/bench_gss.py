#!/usr/bin/python3
"""The cost of WinRM message encryption: the same fleet polled over plain HTTP
(Basic with allow_unencrypted, no sealing) and over Kerberos-encrypted HTTP
(bitsim --auth negotiate --require-encryption, a throw-away MIT realm), in one run.

Figures (one per line, NAME VALUE):
- gss_<N>h_tui_{plain,kerberos}_cpu_pct: bitstop's steady-state CPU in the screen
  (refresh every -d seconds), and gss_<N>h_tui_cpu_ratio (target <= 1.3);
- gss_<N>h_tui_kerberos_{requests,new_conns,handshakes}_per_refresh (targets:
  new connections and handshakes 0) and the share of requests that arrived sealed;
- gss_<N>h_once_{plain,kerberos}_cpu_s: CPU of one --once over the fleet, handshakes
  included (median of --reps runs, alternating).

Usage: bench_gss.py [--hosts N] [--jobs M] [--interval S] [--cycles C] [--reps R]
                    [--tui-reps R]
Run from the build directory (or set BITSTOP and BITSIM).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.dont_write_bytecode = True
import krb5realm  # noqa: E402
from benchlib import (BITSTOP, Fleet, Workdir, log, median, proc_cpu, raise_nofile,  # noqa: E402
                      run_timed)
from bench_tui import Tmux, sample_hosts, sleep_until, wait_all_ok  # noqa: E402
import time  # noqa: E402


def stats(fleet, h):
    out = {}
    for line in fleet.ctl("/stats?host=%d" % h).splitlines():
        k, _, v = line.partition(" ")
        out[k] = int(v)
    return out


def window(fleet, tm, t0, interval, cycles):
    """CPU share of bitstop and per-refresh protocol figures over `cycles` refreshes."""
    hosts = sample_hosts(fleet.hosts)
    sleep_until(t0 + 1.5 * interval)
    cpu0, s0, w0 = proc_cpu(tm.pid), [stats(fleet, h) for h in hosts], time.monotonic()
    sleep_until(t0 + (1.5 + cycles) * interval)
    cpu1, s1, w1 = proc_cpu(tm.pid), [stats(fleet, h) for h in hosts], time.monotonic()
    per = float(len(hosts) * cycles)
    d = {k: sum(a[k] - b[k] for a, b in zip(s1, s0)) / per for k in s0[0]}
    return (cpu1 - cpu0) / (w1 - w0), d


def tui(work, fleet, hosts_file, interval, cycles, extra):
    args = [BITSTOP, "-c", work.config, "-f", hosts_file, "-d", "%g" % interval,
            "--no-color"] + extra
    t0 = time.monotonic()
    tm = Tmux(work, args)
    try:
        wait_all_ok(tm, fleet.hosts, max(60.0, 3 * interval))
        cpu, d = window(fleet, tm, t0, interval, cycles)
        tm.keys("q")
    finally:
        tm.close()
    return cpu, d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=10)
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--cycles", type=int, default=4)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tui-reps", type=int, default=2)
    a = ap.parse_args()
    raise_nofile()
    n = a.hosts
    tag = "gss_%dh" % n
    realm = krb5realm.Realm()
    try:
        realm.kinit()
        os.environ.update({k: v for k, v in realm.server_env().items()
                           if k.startswith(("KRB5", "NTLM"))})
        plain_work = Workdir()
        krb_work = Workdir()
        with open(krb_work.config, "w") as f:
            f.write('version = 1;\naudit_log = "%s";\ndefaults: { auth = "kerberos"; };\n'
                    % krb_work.path("audit.log"))
        krb_work.env["KRB5CCNAME"] = realm.env()["KRB5CCNAME"]
        krb_work.env["KRB5_CONFIG"] = realm.env()["KRB5_CONFIG"]
        log("fleets: %d hosts x %d jobs, plain HTTP (Basic) and Kerberos-encrypted HTTP" %
            (n, a.jobs))
        with Fleet(n, a.jobs) as plain, \
                Fleet(n, a.jobs, ["--auth", "negotiate", "--require-encryption"]) as krb:
            krb_hosts = krb.hosts_file + ".localhost"
            with open(krb_hosts, "w") as f:
                f.write("".join("http://localhost:%s/wsman\n" % ad.split(":")[1]
                                for ad in krb.addrs))
            # --once, alternating: CPU of bitstop alone (wait4), handshakes included
            once = {"plain": [], "kerberos": []}
            for _ in range(a.reps):
                for kind, work, hf in (("plain", plain_work, plain.hosts_file),
                                       ("kerberos", krb_work, krb_hosts)):
                    rc, wall, cpu = run_timed([BITSTOP, "-c", work.config, "--once", "--format",
                                               "tsv", "-f", hf], env=work.env)
                    if rc != 0:
                        raise RuntimeError("%s --once exited %d" % (kind, rc))
                    once[kind].append(cpu)
            # the screen: steady state, runs alternating, medians
            pcs, kcs = [], []
            for _ in range(a.tui_reps):
                pc, pd = tui(plain_work, plain, plain.hosts_file, a.interval, a.cycles, [])
                kc, kd = tui(krb_work, krb, krb_hosts, a.interval, a.cycles, [])
                log("screen: plain %.2f %%, kerberos %.2f %% CPU" % (pc * 100, kc * 100))
                pcs.append(pc)
                kcs.append(kc)
            pc, kc = median(pcs), median(kcs)
            sealed = kd["encrypted"] / kd["requests"] if kd["requests"] else 0.0
        print("%s_once_plain_cpu_s %.3f" % (tag, median(once["plain"])))
        print("%s_once_kerberos_cpu_s %.3f" % (tag, median(once["kerberos"])))
        print("%s_once_cpu_ratio %.2f" % (tag, median(once["kerberos"]) / median(once["plain"])))
        print("%s_tui_plain_cpu_pct %.2f" % (tag, pc * 100))
        print("%s_tui_kerberos_cpu_pct %.2f" % (tag, kc * 100))
        ratio = kc / pc if pc > 0 else float("inf")
        print("%s_tui_cpu_ratio %.2f  # target <= 1.3: %s" % (tag, ratio,
                                                            "met" if ratio <= 1.3 else "MISSED"))
        print("%s_tui_plain_requests_per_refresh %.2f" % (tag, pd["requests"]))
        print("%s_tui_plain_new_conns_per_refresh %.2f" % (tag, pd["connections"]))
        print("%s_tui_kerberos_requests_per_refresh %.2f" % (tag, kd["requests"]))
        print("%s_tui_kerberos_new_conns_per_refresh %.2f  # target 0: %s" %
              (tag, kd["connections"], "met" if kd["connections"] == 0 else "MISSED"))
        print("%s_tui_kerberos_handshakes_per_refresh %.2f  # target 0: %s" %
              (tag, kd["handshakes"], "met" if kd["handshakes"] == 0 else "MISSED"))
        print("%s_tui_kerberos_sealed_share %.3f" % (tag, sealed))
        plain_work.close()
        krb_work.close()
    finally:
        realm.close()


if __name__ == "__main__":
    main()
