"""Entitlement checks per second vs single-query verifications per second, in one Django process.

    DATABASE_URL=postgres://… python bench/entitlements_child.py SECONDS

Loads a small demo (through the real services) into the database it is given, then times
``juzhu.entitlements.selectors.entitlement_for`` for a child covered by a parent's permit (the
history-exact path: the child's cards, the household links, each guardian's card on the date)
against ``juzhu.registry.selectors.permit_verify`` on the parent's card.  Prints JSON.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date


def rate(fn: Callable[[], object], seconds: float) -> float:
    n, t0 = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - t0) < seconds:
        for _ in range(50):
            fn()
        n += 50
    return n / elapsed


def main() -> None:
    seconds = float(sys.argv[1])
    import django

    django.setup()
    from juzhu.entitlements.models import HouseholdLink
    from juzhu.entitlements.selectors import entitlement_for
    from juzhu.operations.demo import load_demo
    from juzhu.registry.selectors import permit_verify

    today = date(2026, 11, 26)
    load_demo(today, persons=34)
    link = HouseholdLink.objects.select_related("child", "guardian").order_by("id").first()
    if link is None:
        raise SystemExit("the demo made no household link")
    parent_card = link.guardian.permits.order_by("-id").first()
    on = date(2026, 11, 26)
    answer = entitlement_for(link.child, "2-school-place", on)
    check = rate(lambda: entitlement_for(link.child, "2-school-place", on), seconds)
    verify = rate(lambda: permit_verify(parent_card.number, on), seconds)
    print(json.dumps({"entitled": answer.entitlement.entitled, "check_per_s": check, "verify_per_s": verify}))


if __name__ == "__main__":
    main()
