"""A keep-alive HTTP load generator: threads, each with one persistent http.client connection.

Bounded in time and in count: it stops at ``--seconds`` or after ``--max-requests`` answers,
whichever comes first.  Prints one JSON object: requests, errors, elapsed seconds, rps and
latency percentiles.  Only 127.0.0.1 is ever targeted.

    python bench/loadgen.py --port 8123 --paths paths.txt --seconds 10 --connections 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"


class Shared:
    def __init__(self, max_requests: int, deadline: float) -> None:
        self.lock = threading.Lock()
        self.left = max_requests
        self.deadline = deadline

    def take(self) -> bool:
        if time.perf_counter() >= self.deadline:
            return False
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def worker(port: int, paths: list[str], shared: Shared, out: dict[str, object]) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    i = 0
    headers = {"Connection": "keep-alive", "Accept": "application/json"}
    while shared.take():
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        latencies.append(time.perf_counter() - t0)
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
        if resp.will_close:  # the server did not keep the connection alive
            out["closed"] = int(out.get("closed", 0)) + 1
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.close()
    out["latencies"] = latencies
    out["statuses"] = statuses
    out["errors"] = errors


def run(
    port: int, paths: list[str], seconds: float, max_requests: int, connections: int
) -> dict[str, object]:
    start = time.perf_counter()
    shared = Shared(max_requests, start + seconds)
    outs: list[dict[str, object]] = [{} for _ in range(connections)]
    rng = random.Random(connections)
    threads = []
    for k in range(connections):
        mine = paths[:]
        rng.shuffle(mine)
        threads.append(threading.Thread(target=worker, args=(port, mine, shared, outs[k]), daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    lat = sorted(x for o in outs for x in o["latencies"])
    statuses: dict[str, int] = {}
    for o in outs:
        for code, n in o["statuses"].items():
            statuses[str(code)] = statuses.get(str(code), 0) + n
    ok = statuses.get("200", 0)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else 0.0

    return {
        "requests": len(lat),
        "ok": ok,
        "statuses": statuses,
        "errors": sum(int(o["errors"]) for o in outs),
        "reconnects": sum(int(o.get("closed", 0)) for o in outs),
        "elapsed": elapsed,
        "rps": ok / elapsed if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--paths", type=Path, required=True, help="file with one request path per line")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--max-requests", type=int, default=1_000_000)
    ap.add_argument("--connections", type=int, default=4)
    a = ap.parse_args()
    paths = [p for p in a.paths.read_text().splitlines() if p]
    print(json.dumps(run(a.port, paths, a.seconds, a.max_requests, a.connections)))


if __name__ == "__main__":
    main()
