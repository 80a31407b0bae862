"""Helpers for the bitstop benchmark (tests/bench/run.sh): fleets, timing, figures.

Everything runs on loopback. A Fleet is one bitsim process; its CPU time is read
from /proc/PID/stat so that it is never counted as bitstop's. Commands are timed
with wait4(), which gives the child's own user and system time.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BITSIM = os.environ.get("BITSIM", "./bitsim")
BITSTOP = os.environ.get("BITSTOP", "./bitstop")
USER = "bench"
PASSWORD = "bench-Pa55"
TICK = os.sysconf("SC_CLK_TCK")

def log(msg):
    """Progress to stderr (stdout carries only figures and comments)."""
    print("bench: " + msg, file=sys.stderr, flush=True)


class Figures:
    """Prints one figure per line and keeps the target verdicts."""

    def __init__(self, targets=True):
        self.missed = []
        self.met = []
        self.targets = targets

    def put(self, name, value, fmt="%.3f", target=None):
        """Print NAME VALUE; target is (op, bound) with op '<', '<=', '>=' or '=='."""
        text = "%s %s" % (name, fmt % value)
        if target is not None and self.targets:
            op, bound = target
            value = float(fmt % value)	# judged as printed
            ok = {"<": value < bound, "<=": value <= bound, ">=": value >= bound,
                  "==": value == bound}[op]
            text += "  # target %s %g: %s" % (op, bound, "met" if ok else "MISSED")
            (self.met if ok else self.missed).append(name)
        print(text, flush=True)

    def comment(self, text):
        print("# " + text, flush=True)


def raise_nofile():
    """Soft limit on open files up to the hard limit (fleets hold 2 sockets per host)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def proc_cpu(pid):
    """User + system CPU seconds of a running process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_status(pid, key):
    """A kB field of /proc/PID/status (VmRSS, VmHWM) in MiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def run_timed(args, stdout=subprocess.DEVNULL, env=None, timeout=600):
    """Run a command; returns (exit code, wall seconds, CPU seconds of the child)."""
    start = time.monotonic()
    proc = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE, env=env,
                            stdin=subprocess.DEVNULL)
    deadline = start + timeout
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid != 0:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, ru = os.wait4(proc.pid, 0)
            break
        time.sleep(0.001)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if proc.returncode != 0 and err:
        log("%s exited %d: %s" % (os.path.basename(args[0]), proc.returncode, err[:400]))
    return proc.returncode, wall, ru.ru_utime + ru.ru_stime


def median(values):
    return statistics.median(values) if values else 0.0


def percentile(values, p):
    """The p-th percentile (nearest rank) of a list of numbers."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def fleet_workers(hosts):
    """bitsim worker processes for a fleet: 2000 hosts at most in each (each
    holds a listener, an epoll descriptor and a connection per host)."""
    return max(1, (hosts + 1999) // 2000)


class Fleet:
    """One bitsim (with its worker processes) simulating `hosts` hosts with `jobs`
    jobs each; time frozen (speed 0) unless speed is given ("jobs moving")."""

    def __init__(self, hosts, jobs, extra=(), binary=None, speed=0, workers=None):
        self.dir = tempfile.mkdtemp(prefix="bitstop-bench-")
        ready = os.path.join(self.dir, "ready")
        env = dict(os.environ, BITSIM_PASSWORD=PASSWORD)
        self.workers = workers or fleet_workers(hosts)
        args = [binary or BITSIM, "--hosts", str(hosts), "--base-port", "0", "--ready-file", ready,
                "--jobs", str(jobs), "--seed", "42", "--speed", "%g" % speed, "--user", USER,
                "--workers", str(self.workers), "--die-with-parent"] + list(extra)
        self.log = open(os.path.join(self.dir, "bitsim.log"), "wb")
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        self.hosts, self.jobs = hosts, jobs
        self.addrs = []
        self.control = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.close()
                raise RuntimeError("bitsim exited at start (%s)" % " ".join(args[1:]))
            if os.path.exists(ready):
                self._read_ready(ready)
                if len(self.addrs) == hosts and self.control:
                    self.urls = ["http://%s/wsman" % a for a in self.addrs]
                    self.hosts_file = os.path.join(self.dir, "hosts")
                    with open(self.hosts_file, "w") as f:
                        f.write("\n".join(self.urls) + "\n")
                    return
            time.sleep(0.02)
        self.close()
        raise RuntimeError("bitsim did not become ready in 30 s")

    def _read_ready(self, path):
        addrs = {}
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[0] == "host":
                    addrs[int(parts[1])] = parts[2]
                elif len(parts) == 2 and parts[0] == "control":
                    self.control = parts[1]
        self.addrs = [addrs[i] for i in sorted(addrs)]

    def pids(self):
        """bitsim's process and its workers."""
        try:
            with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                kids = [int(p) for p in f.read().split()]
        except OSError:
            kids = []
        return [self.proc.pid] + kids

    def cpu(self):
        """CPU seconds of bitsim and all its workers."""
        return sum(proc_cpu(p) for p in self.pids())

    def latency(self, ms):
        """Every host answers ms later (0: as fast as it can)."""
        if ms > 0:
            self.ctl("/fault?host=all&kind=latency&ms=%d" % ms)
        else:
            self.ctl("/clear?host=all")

    def ctl(self, path):
        with urllib.request.urlopen("http://%s%s" % (self.control, path), timeout=10) as r:
            return r.read().decode("utf-8")

    def stats(self, host):
        """(requests, connections) host has received so far."""
        s = self.stats_all(host)
        return s.get("requests", 0), s.get("connections", 0)

    def stats_all(self, host):
        """Every counter of host's /stats, by name."""
        out = {}
        for line in self.ctl("/stats?host=%d" % host).splitlines():
            k, _, v = line.partition(" ")
            out[k] = int(v)
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Workdir:
    """A private HOME with a 0600 bitstop config for plain-HTTP Basic hosts."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bitstop-bench-home-")
        self.config = os.path.join(self.dir, "bitstop.conf")
        with open(self.config, "w") as f:
            f.write('version = 1;\naudit_log = "%s";\n'
                    'defaults: { scheme = "http"; auth = "basic"; user = "%s"; '
                    'allow_unencrypted = true; };\n'
                    % (os.path.join(self.dir, "audit.log"), USER))
        os.chmod(self.config, 0o600)
        self.env = dict(os.environ, BITSTOP_PASSWORD=PASSWORD, BENCH_PASSWORD=PASSWORD,
                        HOME=self.dir, XDG_STATE_HOME=os.path.join(self.dir, "state"),
                        XDG_CONFIG_HOME=os.path.join(self.dir, "config"))
        self.env.pop("BITSTOP_CONFIG", None)
        self.env.pop("NO_COLOR", None)

    def path(self, name):
        return os.path.join(self.dir, name)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)
