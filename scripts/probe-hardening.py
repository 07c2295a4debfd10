#!/usr/bin/env python3
"""Tries a running server the way issue 11's reproductions did and prints what it saw.

    SEED_DEMO=true TRUST_PROXY=true ./target/release/server &
    scripts/probe-hardening.py http://127.0.0.1:3000 <server pid>

Standard library only. Each probe prints one line of figures; nothing is asserted (the Rust
tests do that): this is for the before/after notes. Run it against a fresh database with the
demo accounts; it spends the login and look-up budgets of the addresses it uses.
"""

import concurrent.futures as cf
import io
import os
import random
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections import Counter

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:3000"
PID = int(sys.argv[2]) if len(sys.argv) > 2 else None
PASSWORD = "jiexiang-demo"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Form endpoints answer 303: that status is what is counted, not the page it names."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(path, data=None, headers=None, method=None, timeout=60):
    """(status, headers, body) of one request; form data is url-encoded."""
    body = None
    hdrs = dict(headers or {})
    if isinstance(data, dict):
        body = urllib.parse.urlencode(data).encode()
        hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif data is not None:
        body = data
    req = urllib.request.Request(BASE + path, data=body, headers=hdrs, method=method)
    try:
        with OPENER.open(req, timeout=timeout) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
    except (urllib.error.URLError, ConnectionError, socket.timeout) as e:
        return f"no answer ({type(e).__name__})", {}, b""


def rss_mb():
    if PID is None:
        return "?"
    try:
        with open(f"/proc/{PID}/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return f"RSS {int(fields['VmRSS'].split()[0]) // 1024} MB, peak {int(fields['VmHWM'].split()[0]) // 1024} MB"
    except OSError:
        return "process gone"


def alive():
    status, _, _ = request("/api/health", timeout=5)
    return status


def login(username, password, xff=None):
    headers = {"X-Forwarded-For": xff} if xff else {}
    status, hdrs, _ = request("/api/staff/login", {"username": username, "password": password}, headers)
    cookie = None
    for value in hdrs.get_all("Set-Cookie") or [] if hdrs else []:
        if value.startswith("jx_session="):
            cookie = value.split(";")[0]
    return status, cookie


def probe_xlsx():
    status, cookie = login("taihao", PASSWORD, "192.0.2.1")
    src = zipfile.ZipFile(os.path.join(ROOT, "server/tests/fixtures/honours_good.xlsx"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
                )
            z.writestr(name, data)
    payload = out.getvalue()
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n"
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
    ).encode() + payload + f"\r\n--{boundary}--\r\n".encode()
    started = time.monotonic()
    st, _, text = request(
        "/api/honours/import",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie or ""},
    )
    took = time.monotonic() - started
    time.sleep(0.5)
    print(
        f"1. xlsx with a cell at XFD1048576 ({len(payload):,} bytes, login {status}): {st} in {took:.2f} s "
        f"{text[:80].decode(errors='replace')!r}; /api/health then: {alive()}; {rss_mb()}"
    )


def probe_login_burst():
    xff = "203.0.113.9"
    started = time.monotonic()
    with cf.ThreadPoolExecutor(60) as pool:
        statuses = list(pool.map(lambda _: login("huaihe", "wrong-password", xff)[0], range(60)))
    took = time.monotonic() - started
    print(f"2. 60 concurrent wrong logins (huaihe): {dict(Counter(statuses))} in {took:.2f} s; {rss_mb()}")
    same_addr_other = login("kaiyuan", PASSWORD, xff)[0]
    other_addr = login("huaihe", PASSWORD, "198.51.100.7")[0]
    print(
        f"3. right password after that burst: kaiyuan from the attacker's address {same_addr_other}; "
        f"huaihe from another address {other_addr}"
    )


def probe_track():
    rng = random.Random(7)
    statuses = []
    started = time.monotonic()
    for _ in range(200):
        code = "".join(rng.choice(ALPHABET) for _ in range(8))
        statuses.append(request("/api/reports/track", {"code": code}, {"X-Forwarded-For": "203.0.113.20"})[0])
    took = time.monotonic() - started
    first = statuses.index(429) + 1 if 429 in statuses else None
    print(f"4. 200 random tracking codes: {dict(Counter(statuses))} in {took:.2f} s (first 429 at #{first})")
    codes = {f"codes[{i}]": "".join(rng.choice(ALPHABET) for _ in range(8)) for i in range(100)}
    statuses = [request("/api/reports/mine", codes, {"X-Forwarded-For": "203.0.113.21"})[0] for _ in range(5)]
    print(f"   /api/reports/mine with 100 unknown codes, 5 calls: {statuses}")


def probe_err():
    text = "请拨打110领取补贴"
    hits = {}
    for path in ["/track", "/staff/login", "/honours"]:
        st, _, body = request(f"{path}?err={urllib.parse.quote(text)}")
        hits[path] = (st, text.encode() in body)
    print(f"6. ?err=<text> shown on the page: {hits}")


def probe_username():
    name = "x" * 1_000_000
    st = login(name, "wrong", "203.0.113.30")[0]
    print(f"8. a 1 MB username at login: {st}; /api/health then {alive()}")


def probe_objections():
    """异议 on the first honour in 公示 on /honours (the demo honours), 40 from one address: the
    status, and where the redirect points (…?objection=1 taken, …?err= refused)."""
    import re

    _, _, page = request("/honours")
    found = re.search(rb'name="honour" value="(\d+)"', page)
    honour = found.group(1).decode() if found else "1"
    seen = Counter()
    for i in range(40):
        st, hdrs, _ = request(
            "/api/honours/object",
            {"honour": honour, "content": f"门牌号不对 {i}", "contact": ""},
            {"X-Forwarded-For": "203.0.113.40", "Accept": "text/html"},
        )
        where = (hdrs.get("Location") or "") if hdrs else ""
        seen[(st, "taken" if "objection=1" in where else ("refused" if "err=" in where else where[:30]))] += 1
    print(f"8. 40 objections on honour {honour} from one address: {dict(seen)}")


def probe_slowloris(seconds=30):
    host, port = urllib.parse.urlparse(BASE).netloc.split(":")
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    s.settimeout(1)
    closed = None
    while time.monotonic() - started < seconds:
        try:
            s.sendall(b"X-a: b\r\n")
            if s.recv(1) == b"":
                closed = time.monotonic() - started
                break
        except socket.timeout:
            continue
        except OSError:
            closed = time.monotonic() - started
            break
    print(
        "8. a header that never ends (a line per second): "
        + (f"dropped after {closed:.1f} s" if closed is not None else f"still open after {seconds} s")
    )


if __name__ == "__main__":
    which = sys.argv[3:] or ["xlsx", "login_burst", "track", "err", "username", "objections", "slowloris"]
    print(f"server {BASE}: /api/health {alive()}; {rss_mb()}")
    for name in which:
        globals()[f"probe_{name}"]()
