"""A straightforward BITS poller on python3-winrm: the baseline bitstop is compared with.

It does what a user would script: for each host in turn, one pywinrm Protocol,
an optimized Enumerate of BitsClientJob, Pulls until EndOfSequence, and every
item parsed with xml.etree into a dict of the properties bitstop reads (with the
embedded files), so that both sides do the same work.

With --workers N it polls N hosts at a time from a thread pool, the way an
administrator fans out (PowerShell's default ThrottleLimit is 32).

Usage: /usr/bin/python3 winrm_poll.py [--workers N] USER URL...
(password in $BENCH_PASSWORD). Prints one line: "hosts H jobs J errors E".
"""
import concurrent.futures
import os
import sys
import uuid
import xml.etree.ElementTree as ET

from winrm.protocol import Protocol

URI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob"
NS_S = "http://www.w3.org/2003/05/soap-envelope"
NS_N = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
NS_W = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
ENUM = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"
NUMERIC = {"State", "Priority", "BytesTotal", "BytesTransferred", "FilesTotal",
           "FilesTransferred", "JobCreationTime", "JobLastModificationTime",
           "JobCompletionTime", "TransientErrorCount", "MinimumRetryDelay",
           "NoProgressTimeout"}


def envelope(endpoint, action, body):
    """A WS-Man request in the shape of the real-winrm recipe."""
    return (
        '<s:Envelope xmlns:s="%s" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:n="%s" xmlns:w="%s"><s:Header><a:To>%s</a:To>'
        '<w:ResourceURI s:mustUnderstand="true">%s</w:ResourceURI><a:ReplyTo>'
        '<a:Address s:mustUnderstand="true">'
        'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>'
        '</a:ReplyTo><a:Action s:mustUnderstand="true">%s</a:Action>'
        '<w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize>'
        '<a:MessageID>uuid:%s</a:MessageID><w:OperationTimeout>PT60S</w:OperationTimeout>'
        '</s:Header><s:Body>%s</s:Body></s:Envelope>'
        % (NS_S, NS_N, NS_W, endpoint, URI, action, uuid.uuid4(), body))


def local(tag):
    """Local name of an ElementTree tag."""
    return tag.rsplit("}", 1)[-1]


def value(el):
    """A property's text, None when xsi:nil."""
    if el.get("{%s}nil" % NS_XSI) == "true":
        return None
    return el.text or ""


def parse_job(item):
    """One BitsClientJob element into a dict (numbers as int, files as a list)."""
    job = {"files": []}
    for prop in item:
        name = local(prop.tag)
        if name == "Files":
            job["files"].append({local(f.tag): value(f) for f in prop})
        elif name in NUMERIC:
            v = value(prop)
            job[name] = int(v) if v is not None else None
        else:
            job[name] = value(prop)
    return job


def read_batch(doc, jobs):
    """Collect the items of an Enumerate/Pull response; the context, or None at the end."""
    root = ET.fromstring(doc)
    body = root.find("{%s}Body" % NS_S)
    resp = body[0]
    end = False
    ctx = None
    for child in resp:
        name = local(child.tag)
        if name == "Items":
            jobs.extend(parse_job(item) for item in child)
        elif name == "EndOfSequence":
            end = True
        elif name == "EnumerationContext":
            ctx = child.text
    return None if end or not ctx else ctx


def poll_host(url, user, password):
    """Every job of one host."""
    p = Protocol(url, transport="plaintext", username=user, password=password,
                 read_timeout_sec=30, operation_timeout_sec=20)
    jobs = []
    doc = p.send_message(envelope(url, ENUM + "Enumerate",
                                  "<n:Enumerate><w:OptimizeEnumeration/>"
                                  "<w:MaxElements>32000</w:MaxElements></n:Enumerate>"))
    ctx = read_batch(doc, jobs)
    while ctx is not None:
        doc = p.send_message(envelope(url, ENUM + "Pull",
                                      "<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                                      "<n:MaxElements>32000</n:MaxElements></n:Pull>" % ctx))
        ctx = read_batch(doc, jobs)
    return jobs


def count_jobs(url, user, password):
    """Jobs of one host, or None after reporting its error."""
    try:
        return len(poll_host(url, user, password))
    except Exception as e:  # a user's script would report and go on
        print("winrm_poll: %s: %s" % (url, e), file=sys.stderr)
        return None


def main():
    args = sys.argv[1:]
    workers = 1
    if args[:1] == ["--workers"]:
        workers, args = int(args[1]), args[2:]
    user, urls = args[0], args[1:]
    password = os.environ.get("BENCH_PASSWORD", "")
    if workers > 1:
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            counts = list(pool.map(lambda u: count_jobs(u, user, password), urls))
    else:
        counts = [count_jobs(u, user, password) for u in urls]
    errors = sum(1 for c in counts if c is None)
    njobs = sum(c for c in counts if c is not None)
    print("hosts %d jobs %d errors %d" % (len(urls), njobs, errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
