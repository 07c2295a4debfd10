#!/usr/bin/env python3
"""Issue 28's floods against a running server, with the server's memory read from /proc.

    SEED_DEMO=true ./target/release/server &            # a fresh SQLite database
    scripts/bench/floods.py http://127.0.0.1:3000 <server pid>

Standard library only (threads and raw sockets). Before each flood the kernel's high-water
mark of the server's resident memory is reset (/proc/PID/clear_refs, root), so each line
gives that flood's own peak. Prints one line per flood; asserts nothing (the Rust test
server/tests/it/bodies.rs does).
"""

import concurrent.futures as cf
import socket
import sys
import time
import urllib.parse
from collections import Counter

BASE = sys.argv[1].rstrip("/")
PID = int(sys.argv[2])
HOST, PORT = urllib.parse.urlparse(BASE).netloc.split(":")
PORT = int(PORT)


def status_kb(field):
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def reset_peak():
    try:
        with open(f"/proc/{PID}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def mb(kb):
    return kb // 1024


def post(path, headers, body_iter, declared, timeout=120):
    """Sends a request (head, then the body's pieces while they are taken) and reads the
    status line; the server may answer before the body is all sent."""
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    head = f"POST {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nContent-Length: {declared}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    try:
        s.sendall(head.encode())
        s.setblocking(False)
        answer = b""
        for piece in body_iter:
            view = memoryview(piece)
            while view:
                try:
                    n = s.send(view)
                    view = view[n:]
                except BlockingIOError:
                    pass
                try:
                    got = s.recv(4096)
                    if got:
                        answer += got
                    if b"\r\n" in answer:
                        return int(answer[9:12])
                except BlockingIOError:
                    time.sleep(0.001)
        s.setblocking(True)
        while b"\r\n" not in answer:
            got = s.recv(4096)
            if not got:
                break
            answer += got
        return int(answer[9:12]) if len(answer) >= 12 else 0
    except OSError:
        return 0
    finally:
        s.close()


def open311_flood(n=300, size=4_500_000):
    boundary = "FLOODBOUNDARY"
    start = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"service_code\"\r\n\r\nexposed_garbage\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"p.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    end = f"\r\n--{boundary}--\r\n".encode()
    photo = b"\xab" * size
    declared = len(start) + len(photo) + len(end)

    def one(_):
        return post(
            "/open311/v2/requests.json",
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
            [start, photo, end],
            declared,
        )

    reset_peak()
    before = status_kb("VmRSS:")
    started = time.monotonic()
    with cf.ThreadPoolExecutor(n) as pool:
        statuses = Counter(pool.map(one, range(n)))
    took = time.monotonic() - started
    print(
        f"{n} unauthenticated Open311 multipart posts of {size / 1e6:.1f} MB at once: "
        f"{dict(statuses)} in {took:.1f} s; RSS {mb(before)} → peak {mb(status_kb('VmHWM:'))} MB, "
        f"{mb(status_kb('VmRSS:'))} MB after"
    )


def big_form(path, size):
    chunk = b"a" * (1 << 20)
    reset_peak()
    before = status_kb("VmRSS:")
    started = time.monotonic()
    status = post(
        path,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        (chunk for _ in range(size >> 20)),
        size,
    )
    took = time.monotonic() - started
    print(
        f"a {size >> 20} MB form to {path}: {status} after {took * 1000:.0f} ms; "
        f"RSS {mb(before)} → peak {mb(status_kb('VmHWM:'))} MB"
    )


if __name__ == "__main__":
    print(f"server {BASE} (pid {PID}): idle RSS {mb(status_kb('VmRSS:'))} MB, peak so far {mb(status_kb('VmHWM:'))} MB")
    open311_flood(300)
    open311_flood(200)
    open311_flood(40)
    big_form("/api/staff/login", 100 << 20)
    big_form("/api/reports/mine", 800 << 20)
