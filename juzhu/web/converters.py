"""Path converters shared by every area's urls.

``<id:…>`` is a row id that fits a 64-bit key (PostgreSQL ``bigint``, SQLite ``INTEGER``): a longer
number is a 404 at the router, never an overflow in the database driver (a 500).  Registered once,
here, when the first urls module imports this one.
"""

from __future__ import annotations

from django.urls import register_converter


class RowId:
    """A row id of at most 18 digits (below 2**63 - 1, the largest 64-bit key)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


ROW_ID = "id"
register_converter(RowId, ROW_ID)
