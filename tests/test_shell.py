#!/usr/bin/python3
"""The shell backend end to end: bitstop against bitsim's servers and clients.

Protects: a mixed fleet polls as one table (servers through the WMI provider,
Windows 10/11 clients through the PowerShell agent in a WinRS shell, chosen by
`auto` without an error) and each host's jobs equal bitsim's /jobs; both
backends show identical jobs for the same host; every action through the
shell changes bitsim's job; LocalSystem's jobs are refused with the
system_task hint unless system_task is on (then done and audited as SYSTEM);
0x800704DD is explained; a host refusing shells says so; stdout cut into small Receives still parses; a
shell quota fault is shown as such; a PowerShell that died and a shell that
expired are replaced; and no shell is left on bitsim after --once, --action,
q, SIGTERM and SIGINT."""
import json
import os
import pty
import select
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "lib"))
from bitsim import BITSTOP, PASSWORD, USER, Results, Sim, run_bitstop, write_config  # noqa: E402

R = Results()
TMP = tempfile.TemporaryDirectory(prefix="bitstop-shell-")
CONF = os.path.join(TMP.name, "bitstop.conf")
write_config(CONF)


def stat(sim, i, key="shells"):
    return int(dict(l.split() for l in sim.ctl("/stats?host=%d" % i).splitlines())[key])


def wait_for(cond, what, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def once(sim, hosts, *extra, conf=CONF):
    rc, out, err, _ = run_bitstop(["--once", "--format", "json"] + list(extra) +
                                  [sim.url(i) for i in hosts], conf)
    assert out, "no output (rc %d): %s" % (rc, err)
    return rc, json.loads(out), err


def same_as_sim(sim, i, host):
    want = sim.jobs(i)
    got = {j["id"]: j for j in host["jobs"]}
    assert set(got) == set(want), "host %d: ids differ" % i
    for jid, w in want.items():
        g = got[jid]
        states = ["QUEUED", "CONNECTING", "TRANSFERRING", "SUSPENDED", "ERROR", "TRANSIENT_ERROR",
                  "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"]
        assert g["state"] == states[w["state"]], (jid, g["state"], w["state"])
        assert g["bytes_transferred"] == w["bytes_transferred"], jid
        total = None if w["bytes_total"] == 2**64 - 1 else w["bytes_total"]
        assert g["bytes_total"] == total, jid


def test_mixed_fleet():
    with Sim(4, jobs=8, extra=("--client-hosts", "2")) as sim:
        rc, doc, err = once(sim, range(4))
        assert rc == 0, err
        for i, h in enumerate(doc["hosts"]):
            assert h["status"] == "ok", (i, h["error"])
            assert h["backend"] == ("wmi" if i < 2 else "shell"), (i, h["backend"])
            same_as_sim(sim, i, h)
        assert "provider" not in err, "the switch to the shell shows no error: " + err
        for i in range(4):
            assert stat(sim, i) == 0, "--once left a shell on host %d" % i


def test_backends_agree():
    with Sim(1, jobs=10) as sim:
        docs = [once(sim, [0], "--backend", b)[1]["hosts"][0] for b in ("wmi", "shell")]
        assert [d["backend"] for d in docs] == ["wmi", "shell"]
        assert docs[0]["jobs"] == docs[1]["jobs"], "the two backends disagree on the same host"


def test_wmi_only_on_client():
    with Sim(1, jobs=2, extra=("--client-hosts", "1")) as sim:
        rc, doc, _ = once(sim, [0], "--backend", "wmi")
        assert rc == 1 and doc["hosts"][0]["error"]["kind"] == "provider-missing"


def act(sim, i, action, jid, conf=CONF):
    return run_bitstop(["--action", action, "--job", jid, sim.url(i)], conf)


def test_actions_change_bitsim():
    with Sim(2, jobs=30, seed=11, extra=("--client-hosts", "1")) as sim:
        jobs = {j["id"]: j for j in once(sim, [1])[1]["hosts"][0]["jobs"]}
        mine = [j for j in jobs.values() if j["owner"] != "NT AUTHORITY\\SYSTEM"]
        pick = {}
        for j in mine:
            if j["state"] in ("QUEUED", "TRANSFERRING") and "suspend" not in pick:
                pick["suspend"] = j["id"]
            elif j["state"] == "SUSPENDED" and "resume" not in pick:
                pick["resume"] = j["id"]
            elif j["state"] == "TRANSFERRED" and "complete" not in pick:
                pick["complete"] = j["id"]
            elif j["priority"] != "HIGH" and "priority=high" not in pick:
                pick["priority=high"] = j["id"]
            elif "cancel" not in pick:
                pick["cancel"] = j["id"]
        assert len(pick) >= 4, "seed gives too few jobs to act on: %s" % pick
        for action, jid in pick.items():
            rc, out, err, _ = act(sim, 1, action, jid)
            assert rc == 0, (action, out, err)
            now = sim.jobs(1)
            if action in ("cancel", "complete"):
                assert jid not in now, "%s left the job in /jobs" % action
            elif action == "suspend":
                assert now[jid]["state"] == 3
            elif action == "resume":
                assert now[jid]["state"] in (0, 1, 2)
            else:
                assert now[jid]["priority"] == 1
        assert stat(sim, 1) == 0, "--action left a shell"


def test_localsystem_and_system_task():
    with Sim(1, jobs=20, seed=5, extra=("--client-hosts", "1")) as sim:
        jobs = once(sim, [0])[1]["hosts"][0]["jobs"]
        sysjob = next(j for j in jobs if j["owner"] == "NT AUTHORITY\\SYSTEM" and
                      j["state"] in ("QUEUED", "TRANSFERRING", "TRANSIENT_ERROR", "ERROR"))
        rc, out, err, _ = act(sim, 0, "suspend", sysjob["id"])
        assert rc == 1 and "owned by LocalSystem: enable system_task" in out + err, out + err
        assert sim.jobs(0)[sysjob["id"]]["state"] != 3
        conf = os.path.join(TMP.name, "systask.conf")
        write_config(conf, "groups = ( { name = \"c\"; hosts = [ \"%s\" ]; system_task = true; } );\n"
                     % sim.url(0))
        rc, out, err, _ = act(sim, 0, "suspend", sysjob["id"], conf=conf)
        assert rc == 0 and "as SYSTEM" in out, out + err
        assert sim.jobs(0)[sysjob["id"]]["state"] == 3
        audit = open(os.path.join(TMP.name, "audit.log")).read()
        assert "scheduled task (system_task)" in audit, "the audit log says it ran as SYSTEM"


def test_not_logged_on():
    with Sim(1, jobs=20, seed=5, extra=("--client-hosts", "1")) as sim:
        jobs = once(sim, [0])[1]["hosts"][0]["jobs"]
        j = next(j for j in jobs if j["owner"] != "NT AUTHORITY\\SYSTEM" and j["state"] == "SUSPENDED")
        sim.ctl("/shells?host=0&do=not-logged-on")
        rc, out, err, _ = act(sim, 0, "resume", j["id"])
        assert rc == 1 and "0x800704DD" in out + err and "logged on" in out + err, out + err


def test_small_receives():
    with Sim(2, jobs=40, extra=("--client-hosts", "1", "--shell-chunk", "300")) as sim:
        rc, doc, err = once(sim, [1])
        assert rc == 0, err
        same_as_sim(sim, 1, doc["hosts"][0])
        assert stat(sim, 1, "requests") > 20, "stdout was not cut into many Receives"


def open_shell(sim, i):
    """Create a WinRS shell on host i as the test user, as another client would."""
    import base64
    import http.client
    body = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
            'xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Header>'
            '<a:To>%s</a:To><w:ResourceURI s:mustUnderstand="true">'
            'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI>'
            '<a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/'
            'addressing/role/anonymous</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">'
            'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</a:Action>'
            '<a:MessageID>uuid:00000000-0000-4000-8000-000000000001</a:MessageID></s:Header>'
            '<s:Body><rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>'
            'stdout stderr</rsp:OutputStreams></rsp:Shell></s:Body></s:Envelope>') % sim.url(i)
    host, port = sim.addrs[i].rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    auth = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
    c.request("POST", "/wsman", body=body.encode(), headers={
        "Content-Type": "application/soap+xml;charset=UTF-8", "Authorization": "Basic " + auth})
    r = c.getresponse()
    assert r.status == 200, r.read()
    c.close()


def test_quota():
    with Sim(1, jobs=2, extra=("--client-hosts", "1", "--max-shells", "1")) as sim:
        # another client holds the user's only shell
        open_shell(sim, 0)
        rc, doc, err = once(sim, [0])
        e = doc["hosts"][0]["error"]
        assert rc == 1 and "maximum number of 1 concurrent shells" in e["message"], e


def test_shells_refused():
    with Sim(1, jobs=2, extra=("--client-hosts", "1", "--fault", "host=0&kind=denied")) as sim:
        rc, doc, _ = once(sim, [0], "--backend", "shell")
        e = doc["hosts"][0]["error"]
        assert rc == 1 and e["kind"] == "access-denied" and \
            "remote shells are refused" in e["message"], e


class Tui:
    """bitstop's screen on a pseudo-terminal."""

    def __init__(self, sim, hosts, delay="0.5"):
        env = dict(os.environ, BITSTOP_PASSWORD=PASSWORD, HOME=TMP.name, TERM="xterm",
                   XDG_STATE_HOME=os.path.join(TMP.name, "state"))
        env.pop("BITSTOP_CONFIG", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(BITSTOP, [BITSTOP, "-c", CONF, "-d", delay] + [sim.url(i) for i in hosts], env)

    def pump(self):
        while select.select([self.fd], [], [], 0)[0]:
            try:
                if not os.read(self.fd, 65536):
                    return
            except OSError:
                return

    def wait_exit(self, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump()
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return status
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("bitstop did not exit")


def exit_path(how):
    with Sim(3, jobs=3, extra=("--client-hosts", "2")) as sim:
        t = Tui(sim, range(3))
        try:
            wait_for(lambda: (t.pump(), stat(sim, 1) == 1 and stat(sim, 2) == 1)[1],
                     "a shell on each client")
        finally:
            if how == "q":
                os.write(t.fd, b"q")
            else:
                os.kill(t.pid, how)
            t0 = time.monotonic()
            t.wait_exit()
        took = time.monotonic() - t0
        assert stat(sim, 1) == 0 and stat(sim, 2) == 0, "shells left after %s" % how
        assert took < 8, "exit took %.1f s" % took


def test_exit_q():
    exit_path("q")


def test_exit_sigterm():
    exit_path(signal.SIGTERM)


def test_exit_sigint():
    exit_path(signal.SIGINT)


def test_replaced_after_death_and_expiry():
    with Sim(1, jobs=3, extra=("--client-hosts", "1")) as sim:
        t = Tui(sim, [0])
        try:
            wait_for(lambda: (t.pump(), stat(sim, 0) == 1)[1], "a shell")
            sim.ctl("/shells?host=0&do=kill")
            agents = lambda: int(dict(l.split() for l in
                                      sim.ctl("/shells?host=0").splitlines())["agents"])
            wait_for(lambda: (t.pump(), agents() == 1)[1], "a new PowerShell after one died")
            sim.ctl("/shells?host=0&do=expire")
            wait_for(lambda: (t.pump(), stat(sim, 0) == 1 and agents() == 1)[1],
                     "a new shell after one expired")
            r0 = stat(sim, 0, "requests")
            time.sleep(3)
            t.pump()
            r1 = stat(sim, 0, "requests")
            # steady state: Send + Receive per refresh (0.5 s), no new shell
            assert r1 - r0 <= 2 * (3 / 0.5) + 2, "%d requests in 3 s" % (r1 - r0)
            assert stat(sim, 0) == 1
        finally:
            os.write(t.fd, b"q")
            t.wait_exit()
        assert stat(sim, 0) == 0


for fn in [test_mixed_fleet, test_backends_agree, test_wmi_only_on_client,
           test_actions_change_bitsim, test_localsystem_and_system_task, test_not_logged_on,
           test_small_receives, test_quota, test_shells_refused, test_exit_q, test_exit_sigterm, test_exit_sigint,
           test_replaced_after_death_and_expiry]:
    R.run(fn)
TMP.cleanup()
sys.exit(R.finish())
