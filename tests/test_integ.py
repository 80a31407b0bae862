"""Integration: bitstop --once and --action against bitsim on loopback.

Protects: the JSON/TSV report lists exactly the jobs the server has (ids, states,
bytes); each --action changes the job on the server as BITS would; a host with
wrong credentials, one that is down and one that times out each get the right
error.kind while the others still report, within the timeout; exit codes.
"""
import json
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bitsim import Sim, Results, write_config, run_bitstop  # noqa: E402
from lowport import free_port  # noqa: E402

TMP = tempfile.TemporaryDirectory(prefix="bitstop-integ-")
CONF = os.path.join(TMP.name, "bitstop.conf")
write_config(CONF)
R = Results()

U64_MAX = 18446744073709551615


def once_json(sim, hosts=None, config=CONF, **kw):
    urls = [sim.url(i) for i in (hosts if hosts is not None else sorted(sim.addrs))]
    rc, out, err, secs = run_bitstop(["--once", "--format", "json"] + urls, config, **kw)
    return rc, (json.loads(out) if out.strip() else None), err, secs


def test_once_json_matches_simulator():
    with Sim(4, jobs=9, seed=11) as sim:
        rc, doc, err, _ = once_json(sim)
        assert rc == 0, "exit %d: %s" % (rc, err)
        assert doc["version"] == 1 and doc["generated"].endswith("Z")
        assert [h["url"] for h in doc["hosts"]] == [sim.url(i) for i in range(4)]
        for i, h in enumerate(doc["hosts"]):
            assert h["status"] == "ok" and h["error"] is None, h
            want = sim.jobs(i)
            got = {j["id"]: j for j in h["jobs"]}
            assert set(got) == set(want), "host %d: ids differ" % i
            for jid, w in want.items():
                g = got[jid]
                assert g["state_code"] == w["state"], (jid, g["state"], w)
                assert g["priority_code"] == w["priority"]
                assert g["bytes_transferred"] == w["bytes_transferred"]
                if w["bytes_total"] == U64_MAX:
                    assert g["bytes_total"] is None
                else:
                    assert g["bytes_total"] == w["bytes_total"]
                assert g["name"] == w["name"]
            created = [j["created"] or "" for j in h["jobs"]]
            assert created == sorted(created), "jobs not sorted by creation time"


def test_once_tsv_lines():
    with Sim(2, jobs=5, seed=3) as sim:
        rc, out, err, _ = run_bitstop(["--once", "--format", "tsv", sim.url(0), sim.url(1)], CONF)
        assert rc == 0, err
        lines = out.splitlines()
        assert lines[0].split("\t") == ["host", "state", "priority", "bytes_transferred",
                                        "bytes_total", "files_transferred", "files_total",
                                        "id", "name"], lines[0]
        assert len(lines) == 1 + len(sim.jobs(0)) + len(sim.jobs(1))
        for line in lines[1:]:
            f = line.split("\t")
            assert len(f) == 9, line
            assert f[4] == "-" or f[4].isdigit()


def test_fifty_hosts_under_two_seconds():
    with Sim(50, jobs=20, seed=5) as sim:
        rc, doc, err, secs = once_json(sim)
        assert rc == 0, err
        assert len(doc["hosts"]) == 50
        for i, h in enumerate(doc["hosts"]):
            assert h["status"] == "ok" and len(h["jobs"]) == len(sim.jobs(i))
        print("     50 hosts x 20 jobs: %.3f s" % secs)
        assert secs < 2.0, "took %.2f s" % secs


def test_failing_hosts_do_not_hide_the_others():
    conf = os.path.join(TMP.name, "groups.conf")
    with Sim(3, jobs=4, seed=9) as sim:
        dead = "http://127.0.0.1:%d/wsman" % free_port()
        write_config(conf, 'groups = ( { name = "bad"; hosts = [ "%s" ]; '
                     'password_command = "echo wrong-password"; } );\n' % sim.url(1))
        sim.ctl("/fault?host=2&kind=latency&ms=8000")
        rc, out, err, secs = run_bitstop(["--once", "--format", "json", sim.url(0), dead,
                                          sim.url(2)], conf)
        doc = json.loads(out)
        by_url = {h["url"]: h for h in doc["hosts"]}
        assert rc == 1, "exit %d" % rc
        assert by_url[sim.url(0)]["status"] == "ok"
        assert len(by_url[sim.url(0)]["jobs"]) == len(sim.jobs(0))
        assert by_url[sim.url(1)]["error"]["kind"] == "auth", by_url[sim.url(1)]
        assert by_url[dead]["error"]["kind"] == "connect", by_url[dead]
        assert by_url[sim.url(2)]["error"]["kind"] == "timeout", by_url[sim.url(2)]
        assert "wrong-password" not in out + err
        # Timeout is 3 s per request: the report must not wait for the 8 s latency.
        assert secs < 7, "took %.1f s" % secs


def test_auth_failure_everywhere_exits_3():
    with Sim(2, jobs=2) as sim:
        rc, doc, err, _ = once_json(sim, password="not-it")
        assert rc == 3, "exit %d" % rc
        assert all(h["error"]["kind"] == "auth" for h in doc["hosts"])
        assert "not-it" not in json.dumps(doc) + err


def pick(jobs, states):
    for jid, j in sorted(jobs.items()):
        if j["state"] in states:
            return jid
    return None


def action(sim, i, act, *jobs):
    args = ["--action", act]
    for j in jobs:
        args += ["--job", j]
    return run_bitstop(args + [sim.url(i)], CONF)


def test_actions_change_the_simulator():
    with Sim(1, jobs=24, seed=21) as sim:
        jobs = sim.jobs(0)
        # cancel: the job leaves the queue
        victim = pick(jobs, {0, 1, 2, 3, 4, 5})
        rc, out, err, _ = action(sim, 0, "cancel", victim)
        assert rc == 0, err
        assert victim not in sim.jobs(0)
        # suspend a running or queued job
        run = pick(sim.jobs(0), {0, 1, 2, 5})
        rc, out, err, _ = action(sim, 0, "suspend", run)
        assert rc == 0, err
        assert sim.jobs(0)[run]["state"] == 3
        # resume it again: back to QUEUED (or further, if time moved)
        rc, out, err, _ = action(sim, 0, "resume", run)
        assert rc == 0, err
        assert sim.jobs(0)[run]["state"] in (0, 1, 2)
        # priority
        rc, out, err, _ = action(sim, 0, "priority=high", run)
        assert rc == 0, err
        assert sim.jobs(0)[run]["priority"] == 1
        # complete a transferred job: it leaves the queue
        done = pick(sim.jobs(0), {6})
        if done is not None:
            rc, out, err, _ = action(sim, 0, "complete", done)
            assert rc == 0, err
            assert done not in sim.jobs(0)
        # cancel of a job that is already gone counts as success
        rc, out, err, _ = action(sim, 0, "cancel", victim)
        assert rc == 0, err
        # the audit log has an intent and an outcome line per action
        with open(os.path.join(TMP.name, "audit.log")) as f:
            lines = [json.loads(x) for x in f]
        assert len(lines) >= 10
        assert any(x.get("job") == victim for x in lines)


def test_invalid_transition_is_an_error():
    with Sim(1, jobs=24, seed=21) as sim:
        job = pick(sim.jobs(0), {3})
        assert job is not None, "seed gives no suspended job"
        # a suspended job with files resumes; a second complete of a gone job is ok, but
        # an unknown (never existing) job for suspend must fail
        rc, out, err, _ = action(sim, 0, "suspend", "{00000000-0000-0000-0000-000000000001}")
        assert rc == 1, "exit %d: %s" % (rc, out)
        assert "error" in out


def test_usage_errors_exit_2():
    rc, out, err, _ = run_bitstop(["--format", "xml", "--once", "h"], CONF)
    assert rc == 2 and "--format" in err
    rc, out, err, _ = run_bitstop(["--action", "cancel", "h"], CONF)
    assert rc == 2 and "--job" in err
    rc, out, err, _ = run_bitstop(["--action", "cancel", "--job", "nope", "h"], CONF)
    assert rc == 2 and "job id" in err


for t in [test_once_json_matches_simulator, test_once_tsv_lines, test_fifty_hosts_under_two_seconds,
          test_failing_hosts_do_not_hide_the_others, test_auth_failure_everywhere_exits_3,
          test_actions_change_the_simulator, test_invalid_transition_is_an_error,
          test_usage_errors_exit_2]:
    R.run(t)
TMP.cleanup()
sys.exit(R.finish())
