from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.parser import Parser

from juzhu.api import employers, enforcement, entitlements, epermit, errors, sharing, v1

DESCRIPTION = """
Juzhu (居住) — the residence-permit (居住证) system of record for 临河区 (Linhe District, 150802).

Every refusal is `application/problem+json` with a stable `type`, the `rule` id of RULES.md that
decided it, the offending `fields`, and a message in the request's language (`Accept-Language`:
zh-Hans by default, or English). Staff and systems authenticate with `Authorization: Bearer <token>`
(tokens are created in the admin). Create operations accept an `Idempotency-Key` header: a retry
with the same key returns the first answer instead of acting twice.
"""


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object.

    django-ninja would read ``42``, ``[]`` or ``null`` as an empty object, so a POST /sweeps with
    such a body ran the sweep.  Anything else is refused here; the API answers 400 malformed-body.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        return data


api = NinjaAPI(
    parser=ObjectBodyParser(),
    title="Juzhu 居住证 API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/v1/", v1.router)
api.add_router("/v1/", v1.public)
api.add_router("/v1/", epermit.staff)
api.add_router("/v1/", epermit.public)
api.add_router("/v1/", employers.router)
api.add_router("/v1/", employers.public)
api.add_router("/v1/", enforcement.router)
api.add_router("/v1/", enforcement.public)
api.add_router("/v1/", entitlements.router)
api.add_router("/v1/", entitlements.public)
api.add_router("/v1/", sharing.router)
api.add_router("/v1/", sharing.public)
