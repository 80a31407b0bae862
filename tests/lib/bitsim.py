"""Start and drive a bitsim fleet from Python tests.

bitsim runs on loopback with kernel-chosen ports (--base-port 0) and writes a ready
file naming each host's address and its control listener. The process is killed
when the Sim object is closed, and bitsim itself dies with its parent.
"""
import os
import subprocess
import tempfile
import time
import urllib.request

BITSIM = os.environ.get("BITSIM") or os.path.join(os.environ.get("top_builddir", "."), "bitsim")
BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")

USER = "tester"
PASSWORD = "s3cret-Pa55"


class Sim:
    """A running bitsim with `hosts` simulated hosts."""

    def __init__(self, hosts, jobs=6, seed=7, speed="0", auth=True, extra=(), env=None):
        self.dir = tempfile.TemporaryDirectory(prefix="bitsim-test-")
        ready = os.path.join(self.dir.name, "ready")
        args = [BITSIM, "--hosts", str(hosts), "--base-port", "0", "--ready-file", ready,
                "--jobs", str(jobs), "--seed", str(seed), "--speed", str(speed),
                "--die-with-parent"]
        env = dict(os.environ if env is None else env)
        if auth == "negotiate":
            args += ["--auth", "negotiate"]
        elif auth:
            args += ["--user", USER]
            env["BITSIM_PASSWORD"] = PASSWORD
        else:
            args += ["--auth", "none"]
        args += list(extra)
        self.log = open(os.path.join(self.dir.name, "bitsim.log"), "wb")
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        self.addrs = {}
        self.control = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("bitsim exited at start: " + self.read_log())
            if os.path.exists(ready):
                with open(ready) as f:
                    for line in f:
                        parts = line.split()
                        if len(parts) == 3 and parts[0] == "host":
                            self.addrs[int(parts[1])] = parts[2]
                        elif len(parts) == 2 and parts[0] == "control":
                            self.control = parts[1]
                if len(self.addrs) == hosts and self.control:
                    return
            time.sleep(0.02)
        self.close()
        raise RuntimeError("bitsim did not become ready in 10 s")

    def read_log(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def url(self, i):
        return "http://%s/wsman" % self.addrs[i]

    def ctl(self, path):
        with urllib.request.urlopen("http://%s%s" % (self.control, path), timeout=5) as r:
            return r.read().decode("utf-8")

    def jobs(self, i):
        """Host i's jobs as bitsim sees them: a dict JobId -> fields."""
        out = {}
        for line in self.ctl("/jobs?host=%d" % i).splitlines():
            f = line.split("\t")
            if len(f) < 6 or f[0] == "JobId":
                continue
            out[f[0]] = {"state": int(f[1]), "priority": int(f[2]),
                         "bytes_transferred": int(f[3]), "bytes_total": int(f[4]),
                         "name": f[5]}
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        self.dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_config(path, extra=""):
    """A 0600 config for plain-HTTP loopback hosts with basic auth."""
    with open(path, "w") as f:
        f.write('version = 1;\n'
                'audit_log = "%s";\n'
                'defaults: { scheme = "http"; auth = "basic"; user = "%s"; '
                'allow_unencrypted = true; timeout = 3; };\n%s'
                % (os.path.join(os.path.dirname(path), "audit.log"), USER, extra))
    os.chmod(path, 0o600)


def run_bitstop(args, config, password=PASSWORD, timeout=60, env_extra=None):
    """Run bitstop non-interactively; returns (exit code, stdout, stderr, seconds)."""
    env = dict(os.environ)
    env["BITSTOP_PASSWORD"] = password
    env["HOME"] = os.path.dirname(config)
    env["XDG_STATE_HOME"] = os.path.join(os.path.dirname(config), "state")
    env.pop("BITSTOP_CONFIG", None)
    if env_extra:
        env.update(env_extra)
    t0 = time.monotonic()
    p = subprocess.run([BITSTOP, "-c", config] + list(args), env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return (p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace"),
            time.monotonic() - t0)


class Results:
    """Minimal runner: each check is a function; prints 'N passed, N failed'."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, fn):
        name = fn.__name__
        try:
            fn()
        except Exception as e:  # report and go on with the next check
            import traceback
            self.failed += 1
            print("FAIL %s: %s" % (name, e))
            traceback.print_exc()
        else:
            self.passed += 1
            print("ok   %s" % name)

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0
