"""Run one call in many threads released together, for the PostgreSQL race tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

N = 20


def race(fn: Callable[[], Any], n: int = N) -> tuple[list[Any], list[BaseException]]:
    """Run ``fn`` in ``n`` threads released by one barrier; collect results and errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            out = fn()
            with lock:
                results.append(out)
        except BaseException as e:
            with lock:
                errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors
