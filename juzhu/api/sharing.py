"""v1 API: sharing (issue 3)."""

from __future__ import annotations

from ninja import Router

from juzhu.api.auth import STAFF_AUTH

router = Router(auth=STAFF_AUTH)
public = Router(auth=None)
