"""The residence period (居住年限): "residence since D, because of event E"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from juzhu.policy.calendar import add_years
from juzhu.policy.lifecycle import HistoryEntry, PermitEvent, _upto

_RULE = {
    PermitEvent.ISSUED: "LH-3.2-issue-15d",
    PermitEvent.ENDORSED_LATE: "LH-3.2-endorse-late",
    PermitEvent.ADDRESS_CHANGED: "LH-3.2-change-same-city",
    PermitEvent.REPLACED: "LH-3.2-replace",
    PermitEvent.REISSUED: "LH-3.2-replace",
}

# Why the residence period counts from its date: the event that (re)started it, in words.
RESIDENCE_REASONS: dict[PermitEvent, tuple[str, str]] = {
    PermitEvent.ISSUED: ("自签发之日起算", "counted from the issue date"),
    PermitEvent.ENDORSED_LATE: (
        "逾期后补办签注，居住年限自补签之日起重新计算",
        "a late endorsement restarted it",
    ),
    PermitEvent.ADDRESS_CHANGED: (
        "变更居住地至其他县区，居住年限重新计算",
        "a move to another county restarted it",
    ),
    PermitEvent.REPLACED: ("换领新证，居住年限连续计算", "a replacement card continues it"),
    PermitEvent.REISSUED: ("补领新证，居住年限连续计算", "a reissued card continues it"),
}


@dataclass(frozen=True)
class ResidencePeriod:
    since: date
    event: PermitEvent
    rule: str

    def years_on(self, on: date) -> int:
        """Full years since ``since``; a year from 29 February ends on 28 February (T-month-end)."""
        years = on.year - self.since.year
        if add_years(self.since, years) > on:
            years -= 1
        return max(years, 0)


def residence_period_on(history: Iterable[HistoryEntry], on: date) -> ResidencePeriod | None:
    """The last event on or before ``on`` that set the residence period, and since when."""
    for h in reversed(_upto(history, on)):
        if h.residence_since is not None:
            return ResidencePeriod(
                h.residence_since, h.event, h.rule or _RULE.get(h.event, "LH-3.2-issue-15d")
            )
    return None
