"""Hostile servers against bitstop --once (JSON, TSV, table).

Protects (issue 6, hostile-server tests): for every case of tests/lib/hostile.py
(billion laughs, external entities, 100 MB, one byte per second, a body cut short,
invalid UTF-8, bytes that do not convert from the declared charset, escape sequences and controls in names, owners, URLs and fault
text, a 10,000-character name, 10,000 jobs, 10,000-deep nesting, HTML with 200,
a wrong content type, a reset mid-body, a redirect to another host, malformed HTTP:
a bad chunk size, a negative Content-Length, 300 KB of headers, HTTP/0.9), bitstop does
not crash, finishes well within its overall deadline, reports that host with the
expected error.kind and a clear message (or, for valid but nasty data, its jobs),
keeps reporting a healthy bitsim host beside it, never reads the entity's file,
never follows the redirect, and writes only valid UTF-8 without control
characters to stdout and stderr (JSON parses; TSV keeps one line per job),
and nothing but its own messages to stderr (libxml2 stays quiet).
"""
import json
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bitsim import PASSWORD, Sim, Results, write_config  # noqa: E402
from hostile import Hostile, MARK, SECRET, bad_bytes, run_bitstop_raw  # noqa: E402

TMP = tempfile.TemporaryDirectory(prefix="bitstop-hostile-")
CONF = os.path.join(TMP.name, "bitstop.conf")
write_config(CONF)   # timeout = 3 s per request
# bitstop's overall --once deadline with 3 s timeouts: 3 exchanges + 5 s grace.
DEADLINE = 3 * 3 + 5
R = Results()

SIM = Sim(1, jobs=5, seed=4)
HOSTILE = Hostile()


def check_clean(what, out, err):
    """Nothing a terminal or a TSV/JSON reader would act on, no secret, and no
    library noise on stderr (libxml2 prints there unless silenced)."""
    for noise in (b"encoding error", b"I/O error", b"parser error"):
        assert noise not in err, "%s: libxml2 wrote to stderr: %r" % (what, err[-300:])
    for name, data in (("stdout", out), ("stderr", err)):
        bad = bad_bytes(data)
        assert bad is None, "%s: %s: %s" % (what, name, bad)
        assert SECRET.encode() not in data, "%s: the entity's file was read into %s" % (what, name)
    assert not HOSTILE.fifo_was_opened(), "%s: the external entity's FIFO was opened" % what
    assert HOSTILE.requests("sink") == [], "%s: the redirect was followed" % what


def run(args, what):
    """bitstop with raw bytes kept; asserts no crash and no hang."""
    rc, out, err, secs = run_bitstop_raw(args, CONF, PASSWORD, timeout=DEADLINE + 30)
    assert rc in (0, 1), "%s: exit %d (a crash?): %s" % (what, rc, err[-2000:])
    assert secs < DEADLINE, "%s: took %.1f s, past the %d s deadline" % (what, secs, DEADLINE)
    check_clean(what, out, err)
    return rc, out, err, secs


def check_host(case, h):
    """One host of a JSON report against the case's expectation."""
    kinds, word = Hostile.CASES[case]
    if h["status"] == "ok":
        assert "ok" in kinds, "%s: reported ok, expected %s" % (case, kinds)
        assert h["jobs"], "%s: ok without jobs" % case
        return
    err = h["error"]
    assert h["status"] == "error" and err is not None, (case, h)
    assert err["kind"] in kinds, "%s: error.kind %s, expected %s: %s" % (
        case, err["kind"], kinds, err["message"])
    assert len(err["message"]) > 10, "%s: unclear message %r" % (case, err["message"])
    assert word in err["message"], "%s: %r does not mention %r" % (case, err["message"], word)
    assert h["jobs"] == [], case


def check_good(doc):
    good = doc["hosts"][0]
    assert good["url"] == SIM.url(0) and good["status"] == "ok", good
    assert len(good["jobs"]) == len(SIM.jobs(0)), "the healthy host lost jobs"


def test_all_cases_at_once_json():
    urls = [SIM.url(0)] + [HOSTILE.url(c) for c in HOSTILE.cases]
    rc, out, err, secs = run(["--once", "--format", "json"] + urls, "json")
    assert rc == 1, "exit %d with failing hosts" % rc
    assert err == b"", "stderr of --format json: %r" % err[-300:]
    doc = json.loads(out.decode("utf-8"))
    check_good(doc)
    for case, h in zip(HOSTILE.cases, doc["hosts"][1:]):
        assert h["url"] == HOSTILE.url(case)
        check_host(case, h)
        print("     %-15s %-6s %s" % (case, h["status"], (h["error"] or {}).get("message", "")
                                      .encode("unicode_escape").decode()[:110]))
    by_case = dict(zip(HOSTILE.cases, doc["hosts"][1:]))
    assert len(by_case["many-jobs"]["jobs"]) == 10000
    name = by_case["long-name"]["jobs"][0]["name"]
    assert name.startswith(MARK) and len(name) == len(MARK) + 10000, len(name)
    ctl = by_case["controls"]["jobs"][0]
    for field in ("name", "owner", "description"):
        assert "pwned" in ctl[field] or "RED" in ctl[field], (field, ctl[field])
    print("     all cases in one run: %.2f s" % secs)


def test_each_case_alone():
    for case in HOSTILE.cases:
        rc, out, err, secs = run(["--once", "--format", "json", HOSTILE.url(case), SIM.url(0)],
                                 case)
        doc = json.loads(out.decode("utf-8"))
        check_host(case, doc["hosts"][0])
        assert doc["hosts"][1]["status"] == "ok", "%s: the healthy host failed" % case
        if case == "trickle":
            assert secs < 3 + 3, "trickle: %.1f s for a 3 s timeout" % secs


def test_tsv():
    urls = [SIM.url(0)] + [HOSTILE.url(c) for c in HOSTILE.cases]
    rc, out, err, _ = run(["--once", "--format", "tsv"] + urls, "tsv")
    lines = out.decode("utf-8").split("\n")
    assert lines[-1] == "", "no final newline"
    lines = lines[1:-1]
    for ln in lines:
        assert len(ln.split("\t")) == 9, "TSV line with %d fields: %r" % (len(ln.split("\t")), ln[:200])
    per_host = {}
    for ln in lines:
        per_host.setdefault(ln.split("\t")[0], []).append(ln.split("\t"))
    assert len(per_host[SIM.url(0)]) == len(SIM.jobs(0))
    for case in HOSTILE.cases:
        rows = per_host.get(HOSTILE.url(case))
        assert rows, "%s: no TSV line" % case
        kinds, _ = Hostile.CASES[case]
        if rows[0][1] == "ERROR":
            assert kinds != ("ok",), case
            assert len(rows) == 1 and rows[0][8], case
            assert HOSTILE.url(case).encode() in err, "%s: no reason on stderr" % case
        else:
            assert "ok" in kinds, case
    assert len(per_host[HOSTILE.url("many-jobs")]) == 10000
    name = per_host[HOSTILE.url("controls")][0][8]
    assert name.startswith(MARK) and "\\t\\n" in name, name


def test_table():
    urls = [SIM.url(0)] + [HOSTILE.url(c) for c in HOSTILE.cases]
    rc, out, err, _ = run(["--once", "--format", "table"] + urls, "table")
    text = out.decode("utf-8")
    for case in HOSTILE.cases:
        assert HOSTILE.url(case) in text, "%s: not in the table" % case
    assert "\ufffd" in text, "the controls were not replaced"


def test_entity_file_never_read():
    # Also guards the checks above: the FIFO watcher really sees a reader.
    assert not HOSTILE.fifo_was_opened()
    fd = os.open(HOSTILE.fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        for _ in range(100):
            if HOSTILE.fifo_was_opened():
                break
            time.sleep(0.02)
        assert HOSTILE.fifo_was_opened(), "the FIFO watcher does not notice readers"
    finally:
        os.close(fd)
    # Let a watcher round that saw our reader finish before the flag is reset.
    time.sleep(0.5)
    HOSTILE.fifo_opened = False


def test_redirect_not_followed():
    reqs = HOSTILE.requests("redirect")
    assert reqs, "the redirect case was never asked"
    assert HOSTILE.requests("sink") == [], "bitstop followed the redirect to another host"


try:
    for t in [test_entity_file_never_read, test_all_cases_at_once_json, test_each_case_alone,
              test_tsv, test_table, test_redirect_not_followed]:
        R.run(t)
finally:
    HOSTILE.close()
    SIM.close()
    TMP.cleanup()
sys.exit(R.finish())
