#!/usr/bin/env python3
"""Times the offices' exports of a running server and its memory while it writes them.

    scripts/bench/exports.py http://127.0.0.1:3000 SERVER_PID

Signs in as the demo admin and downloads, one after another: every office's reports received
in the last 40 days (about 100,000 at a million reports a year) as CSV and as XLSX, then all
of them (the whole database) as CSV and as XLSX. Prints a Markdown table: rows, bytes, wall
time, and the server's resident memory before the first export and its peak (VmHWM) after
each. Beside them, a baseline: `/api/health` the same way. Standard library only.
"""

import datetime
import http.client
import sys
import time
import urllib.parse

PASSWORD = "jiexiang-demo"


def status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    raise SystemExit(f"no {field} for {pid}")


def main():
    base, pid = sys.argv[1], int(sys.argv[2])
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=1800)
    body = urllib.parse.urlencode({"username": "admin", "password": PASSWORD})
    conn.request("POST", "/api/staff/login", body=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    res = conn.getresponse()
    res.read()
    cookie = next(v.split(";")[0] for k, v in res.getheaders()
                  if k.lower() == "set-cookie" and v.startswith("jx_session="))
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    since = (today - datetime.timedelta(days=40)).isoformat()
    until = (today - datetime.timedelta(days=1)).isoformat()
    recent = f"status=all&from={since}&until={until}"
    runs = [
        ("baseline: `/api/health`", "/api/health"),
        (f"all offices, {since} – {until}, CSV", f"/staff/export/reports.csv?{recent}"),
        (f"all offices, {since} – {until}, XLSX", f"/staff/export/reports.xlsx?{recent}"),
        ("all offices, every report, CSV", "/staff/export/reports.csv?status=all"),
        ("all offices, every report, XLSX", "/staff/export/reports.xlsx?status=all"),
    ]
    before = status(pid, "VmRSS")
    print(f"Server RSS before the first export: {before} MB.")
    print()
    print("| export | rows | bytes | wall | server peak RSS after (VmHWM) |")
    print("|---|---|---|---|---|")
    rows_of = {}
    for name, path in runs:
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie, "Accept-Encoding": "identity"})
        res = conn.getresponse()
        size, lines = 0, 0
        tail = b""
        while chunk := res.read(1 << 20):
            size += len(chunk)
            lines += (tail + chunk[:1]).count(b"\r\n")  # one split across two reads
            tail = chunk[-1:]
            lines += chunk.count(b"\r\n")  # a row ends so; links inside a cell are \n
        wall = time.perf_counter() - t
        if res.status != 200:
            raise SystemExit(f"{path}: HTTP {res.status}")
        key = path.split("?", 1)[-1]
        if path.endswith("health"):
            rows = "—"
        elif ".csv" in path:
            rows_of[key] = lines - 1
            rows = f"{lines - 1:,}"
        else:
            rows = f"{rows_of.get(key, 0):,} (as the CSV)"
        wall_text = f"{wall * 1000:.1f} ms" if wall < 1 else f"{wall:.1f} s"
        print(f"| {name} | {rows} | {size:,} | {wall_text} | {status(pid, 'VmHWM')} MB |",
              flush=True)


if __name__ == "__main__":
    main()
