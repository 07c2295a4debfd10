#!/usr/bin/env python3
"""Times the pages of a running server through HTTP, one client, keep-alive.

    scripts/bench/pages.py http://127.0.0.1:3000 [runs]

Signs in as the demo accounts `taihao` (one office), `admin` (every office) and `dudao` (the
督导组), then requests
each page `runs` times (default 41) after two warm-up requests and prints a Markdown table of
the median, p95 and slowest, with each page's size. The database should hold a realistic load
(`server synthetic --reports 1000000 --findings 100000`). Standard library only.
"""

import http.client
import re
import statistics
import sys
import time
import urllib.parse

PASSWORD = "jiexiang-demo"


def connect(base):
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)


def get(conn, path, cookie=None):
    headers = {"Accept": "text/html", "Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    res = conn.getresponse()
    body = res.read()
    return res.status, body


def login(conn, user):
    body = urllib.parse.urlencode({"username": user, "password": PASSWORD})
    conn.request(
        "POST",
        "/api/staff/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    res = conn.getresponse()
    res.read()
    for k, v in res.getheaders():
        if k.lower() == "set-cookie" and v.startswith("jx_session="):
            return v.split(";")[0]
    raise SystemExit(f"login of {user} failed: {res.status}")


def next_link(html):
    m = re.search(r'href="(/staff\?[^"]*after=[^"]*)"', html.decode())
    return m and m.group(1).replace("&amp;", "&")


def time_page(conn, path, cookie, runs):
    for _ in range(2):
        get(conn, path, cookie)
    times = []
    size = 0
    for _ in range(runs):
        t = time.perf_counter()
        status, body = get(conn, path, cookie)
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
        size = len(body)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, times[-1], size


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 41
    conn = connect(base)
    staff = login(conn, "taihao")
    admin = login(conn, "admin")
    dudao = login(conn, "dudao")
    # Things to ask for, found on the pages themselves.
    _, html = get(conn, "/staff", staff)
    html = html.decode()
    street = re.search(r'name="street".*?<option value="(\d+)"', html, re.S)
    category = re.search(r'name="category".*?<option value="(\d+)"', html, re.S)
    code = re.search(r"/staff/report/(\d+)", html)
    deep = "/staff"
    for _ in range(40):
        _, page = get(conn, deep, staff)
        link = next_link(page)
        if not link:
            break
        deep = link
    _, detail = get(conn, f"/staff/report/{code.group(1)}", staff) if code else (0, b"")
    track = re.search(r"\b([23456789A-HJKMNP-Z]{8})\b", detail.decode())
    last_month = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 - 40 * 86400))
    pages = [
        ("baseline: `/api/health` (no database)", "/api/health", None),
        ("home `/`", "/", None),
        ("`/stats`", "/stats", None),
        ("`/honours`", "/honours", None),
        ("`/track` (one report)", f"/track?code={track.group(1)}" if track else "/track", None),
        ("queue, one office, open (first page + counts)", "/staff", staff),
        ("queue, one office, overdue only", "/staff?overdue=1", staff),
        ("queue, one office, one street", f"/staff?street={street.group(1)}" if street else "/staff", staff),
        ("queue, one office, closed + one category",
         f"/staff?status=closed&category={category.group(1)}" if category else "/staff?status=closed", staff),
        ("queue, one office, 41st page by keyset", deep, staff),
        ("queue, one office, 待受理 only (`?status=pending`)", "/staff?status=pending", staff),
        ("queue, one office, 待核查 only (`?status=rectified`)", "/staff?status=rectified", staff),
        ("queue, admin (all offices), 待受理 only", "/staff?status=pending", admin),
        ("queue, admin (all offices), open", "/staff", admin),
        ("queue, admin (all offices), every status", "/staff?status=all", admin),
        ("queue, one office, every status", "/staff?status=all", staff),
        ("report detail", f"/staff/report/{code.group(1)}" if code else "/staff", staff),
        ("inbox, one office (被催办、督办, overdue, due soon, new, to check)", "/staff/inbox", staff),
        ("queue, one office, 被催办、督办 (`?level=1`)", "/staff?level=1", staff),
        ("dashboard, one office, 30 days", "/staff/dashboard", staff),
        ("dashboard, admin (district), 30 days", "/staff/dashboard", admin),
        ("督导: `/dudao` (rounds, places, district overdue)", "/dudao", dudao),
        ("督导: `/dudao/reports`, district overdue reports (first 50 + counts)", "/dudao/reports", dudao),
        ("督导: `/dudao/reports?level=3` (residents' reports at 提级)", "/dudao/reports?level=3", dudao),
        ("督导: `/findings`, district, open (first 200 + counts)", "/findings", dudao),
        ("督导: `/findings`, one office, open", "/findings", staff),
        ("督导: `/findings?level=3` (提级 list)", "/findings?level=3", dudao),
        ("督导: 通报, this week (`/dudao/bulletin`)", "/dudao/bulletin", dudao),
        ("督导: 通报, last month", f"/dudao/bulletin?kind=month&date={last_month}", dudao),
        ("督导: `/dudao/bulletin.xlsx`, last month", f"/dudao/bulletin.xlsx?kind=month&date={last_month}", dudao),
        ("public `/bulletins`", "/bulletins", None),
        ("Open311 `services.json`", "/open311/v2/services.json", None),
        ("Open311 `requests.json` (last 90 days, first 1,000)", "/open311/v2/requests.json", None),
        ("Open311 `requests.xml` (last 90 days, first 1,000)", "/open311/v2/requests.xml", None),
        ("Open311 `requests.json?status=open&page_size=100`",
         "/open311/v2/requests.json?status=open&page_size=100", None),
        ("Open311 `requests.json?service_code=…&status=closed&page_size=100`",
         "/open311/v2/requests.json?service_code=illegal_flyers&status=closed&page_size=100", None),
        ("Open311 `requests/{id}.json`",
         f"/open311/v2/requests/{track.group(1)}.json" if track else "/open311/v2/services.json", None),
    ]
    print(f"| page | median | p95 | slowest | bytes |")
    print("|---|---|---|---|---|")
    for name, path, cookie in pages:
        med, p95, worst, size = time_page(conn, path, cookie, runs)
        print(f"| {name} | {med:.1f} ms | {p95:.1f} ms | {worst:.1f} ms | {size} |", flush=True)


if __name__ == "__main__":
    main()
