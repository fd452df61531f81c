"""Run the daily sweep once, in its own process, against DATABASE_URL; print time and memory as JSON.

    DATABASE_URL=postgres://… python bench/sweep_child.py 2025-07-01

Memory: tracemalloc's peak of Python allocations during the sweep, and the process's peak
resident set (ru_maxrss) before and after it.  The sweep is set-based SQL, so neither should
grow with the number of permits.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc
from datetime import date


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    on = date.fromisoformat(sys.argv[1])
    import django

    django.setup()
    from django.db import connection

    from juzhu.registry.services import permits_sweep

    connection.ensure_connection()
    rss_before = maxrss_mib()
    tracemalloc.start()
    t0 = time.perf_counter()
    result = permits_sweep(on=on)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "suspended": result.suspended,
                "rolled": result.rolled,
                "tracemalloc_peak_mib": peak / 2**20,
                "maxrss_before_mib": rss_before,
                "maxrss_after_mib": maxrss_mib(),
            }
        )
    )


if __name__ == "__main__":
    main()
