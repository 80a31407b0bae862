"""Nothing lost: bitstop interrupted in the middle of a bulk cancel.

Protects (issue 6, nothing lost): the hosts (tests/lib/hostile.py BitsHosts)
log when each SetJobState arrived and when its answer was sent, and answer
slowly so that the bulk action is still running when bitstop is interrupted.
After SIGKILL (on the screen and in --action), every request that reached a
host has its intent line in the audit log, and the log holds only whole JSON
lines. After SIGTERM, every answer sent before the signal has its outcome line
(and with --action, every intent has one: in-flight requests are logged as never
answered)
(the intent line is paired by id), no request is sent after it, bitstop exits
with 143, and the terminal is back in cooked mode with echo; on the screen,
the requests still in flight get an outcome line that says the answer never
came, so every intent has its outcome.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bitsim import PASSWORD, Results, write_config  # noqa: E402
from hostile import BitsHosts, Tmux  # noqa: E402

if shutil.which("tmux") is None:
    print("SKIP: tmux is needed")
    sys.exit(77)

BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")
TMP = tempfile.TemporaryDirectory(prefix="bitstop-lost-")
R = Results()
NHOSTS, NJOBS, DELAY = 3, 20, 0.2
# Time an answer needs to travel and be handled before it counts as received.
MARGIN = 0.3


def read_audit(path):
    """(intents by id, outcomes by id); every line must be one whole JSON object."""
    intents, outcomes = {}, {}
    if not os.path.exists(path):
        return intents, outcomes
    with open(path, "rb") as f:
        data = f.read()
    assert data == b"" or data.endswith(b"\n"), "the audit log ends in a partial line"
    for line in data.decode("utf-8").splitlines():
        rec = json.loads(line)
        (intents if rec["event"] == "intent" else outcomes)[rec["id"]] = rec
    return intents, outcomes


def setup(name):
    d = os.path.join(TMP.name, name)
    os.makedirs(d)
    conf = os.path.join(d, "bitstop.conf")
    write_config(conf)
    return conf, os.path.join(d, "audit.log")


def wait_arrivals(hosts, n, timeout=15):
    end = time.monotonic() + timeout
    while len(hosts.entries()) < n:
        assert time.monotonic() < end, "only %d requests arrived" % len(hosts.entries())
        time.sleep(0.02)


def start_tui_bulk_cancel(hosts, conf):
    d = os.path.dirname(conf)
    tmux = Tmux({"HOME": d, "XDG_STATE_HOME": os.path.join(d, "state"),
                 "BITSTOP_PASSWORD": PASSWORD})
    urls = " ".join(hosts.url(i) for i in range(NHOSTS))
    tmux.type("%s -c %s -d 1 %s; echo rc=$?" % (BITSTOP, conf, urls))
    if tmux.wait_text("hosts %d ok" % NHOSTS, 15) is None:
        tmux.close()
        raise AssertionError("the hosts did not answer")
    tmux.keys("*")
    assert tmux.wait_text("tagged %d" % (NHOSTS * NJOBS), 5), "tag all failed:\n" + tmux.screen()
    tmux.keys("x")
    want = "cancel %d jobs on %d hosts?" % (NHOSTS * NJOBS, NHOSTS)
    assert tmux.wait_text(want, 5), "no confirmation:\n" + tmux.screen()
    tmux.keys("y")
    return tmux


def bitstop_pid(tmux):
    """The bitstop process under the pane's shell (read from /proc, no ps needed)."""
    sh = tmux.pane_pid()
    for _ in range(50):
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    head, tail = f.read().rsplit(")", 1)
            except OSError:
                continue
            if int(tail.split()[1]) == sh and head.split("(", 1)[1].startswith("bitstop"):
                return int(d)
        time.sleep(0.1)
    raise AssertionError("no bitstop under the pane")


def check_intents(hosts, intents):
    """Every request that reached a host has an intent line for its job."""
    logged = {(r["job"], r["action"]) for r in intents.values()}
    for host, job, state, arrived, answered in hosts.entries():
        assert state == 0, "a SetJobState other than cancel: %d" % state
        assert (job, "cancel") in logged, "job %s was cancelled without an intent line" % job


def test_sigkill_tui():
    conf, audit = setup("kill-tui")
    with BitsHosts(NHOSTS, NJOBS, DELAY) as hosts:
        tmux = start_tui_bulk_cancel(hosts, conf)
        try:
            wait_arrivals(hosts, 8)
            os.kill(bitstop_pid(tmux), signal.SIGKILL)
            time.sleep(0.5)
            sent = len(hosts.entries())
            assert sent < NHOSTS * NJOBS, "the bulk cancel was already over"
            intents, outcomes = read_audit(audit)
            check_intents(hosts, intents)
            print("     SIGKILL: %d requests had left, %d intent lines, %d outcome lines" %
                  (sent, len(intents), len(outcomes)))
        finally:
            tmux.close()


def test_sigkill_action():
    conf, audit = setup("kill-action")
    with BitsHosts(1, NJOBS, DELAY) as hosts:
        args = [BITSTOP, "-c", conf, "--action", "cancel"]
        for j in hosts.jobs(0):
            args += ["--job", j]
        env = dict(os.environ, HOME=os.path.dirname(conf), BITSTOP_PASSWORD=PASSWORD)
        p = subprocess.Popen(args + [hosts.url(0)], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_arrivals(hosts, 5)
            p.send_signal(signal.SIGKILL)
            p.wait(10)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        time.sleep(0.3)
        intents, _ = read_audit(audit)
        check_intents(hosts, intents)
        assert len(hosts.entries()) < NJOBS, "the --action was already over"


def check_outcomes(hosts, intents, outcomes, t_signal):
    """Answers sent before the signal have their outcome, paired with an intent."""
    by_job = {}
    for i, r in intents.items():
        by_job.setdefault(r["job"], []).append(i)
    for host, job, state, arrived, answered in hosts.entries():
        assert arrived < t_signal + 1.0, "a request was sent %.2f s after the signal" % (
            arrived - t_signal)
        if answered is not None and answered < t_signal - MARGIN:
            ids = by_job.get(job, [])
            assert any(i in outcomes and outcomes[i]["result"] == "ok" for i in ids), \
                "job %s: answered %.2f s before the signal, but no outcome line" % (
                    job, t_signal - answered)
    for i in outcomes:
        assert i in intents, "outcome %d without an intent" % i


def test_sigterm_tui():
    conf, audit = setup("term-tui")
    with BitsHosts(NHOSTS, NJOBS, DELAY) as hosts:
        tmux = start_tui_bulk_cancel(hosts, conf)
        try:
            wait_arrivals(hosts, 12)
            t_signal = time.monotonic()
            os.kill(bitstop_pid(tmux), signal.SIGTERM)
            screen = tmux.wait_for(lambda s: re.search(r"rc=\d+", s) is not None, 10)
            assert screen is not None, "bitstop did not end on SIGTERM"
            assert "rc=143" in screen, "exit code: %s" % re.search(r"rc=\d+", screen).group(0)
            time.sleep(1.2)
            intents, outcomes = read_audit(audit)
            check_intents(hosts, intents)
            check_outcomes(hosts, intents, outcomes, t_signal)
            # On the way out the requests still in flight get an outcome saying so.
            for i, rec in intents.items():
                assert i in outcomes, "intent %d (job %s) has no outcome line" % (i, rec["job"])
                if outcomes[i]["result"] != "ok":
                    assert "before the host answered" in outcomes[i]["message"], outcomes[i]
                    assert outcomes[i]["result"] == "unknown", outcomes[i]
            answered = sum(1 for e in hosts.entries() if e[4] is not None and e[4] < t_signal)
            print("     SIGTERM: %d answered before the signal, %d outcome lines, %d intents" %
                  (answered, len(outcomes), len(intents)))
            tmux.type('echo "tty:$(stty -a | tr " ;" "\\n\\n" | grep -x -e icanon -e echo'
                      ' | sort | tr "\\n" ,)"')
            assert tmux.wait_text("tty:echo,icanon,", 5), "terminal not restored:\n" + \
                tmux.screen()
        finally:
            tmux.close()


def test_sigterm_action():
    conf, audit = setup("term-action")
    with BitsHosts(1, NJOBS, DELAY) as hosts:
        args = [BITSTOP, "-c", conf, "--action", "cancel"]
        for j in hosts.jobs(0):
            args += ["--job", j]
        env = dict(os.environ, HOME=os.path.dirname(conf), BITSTOP_PASSWORD=PASSWORD)
        p = subprocess.Popen(args + [hosts.url(0)], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_arrivals(hosts, 6)
            t_signal = time.monotonic()
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=10)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        time.sleep(1.2)
        intents, outcomes = read_audit(audit)
        check_intents(hosts, intents)
        check_outcomes(hosts, intents, outcomes, t_signal)
        # --action ends like the screen does: 143, and no intent is left without an
        # outcome (requests in flight are logged as never answered)
        assert p.returncode == 143, "exit code %d" % p.returncode
        missing = [i for i in intents if i not in outcomes]
        assert not missing, "intents without an outcome: %s" % missing
        assert b"interrupted" in err, err
        print("     --action SIGTERM: %d intents, %d outcomes" % (len(intents), len(outcomes)))


try:
    for t in [test_sigkill_tui, test_sigkill_action, test_sigterm_tui, test_sigterm_action]:
        R.run(t)
finally:
    TMP.cleanup()
sys.exit(R.finish())
