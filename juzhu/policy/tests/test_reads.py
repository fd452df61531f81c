"""The catalogue of reads and the bulk-reading rule (N-17-confidentiality), without a database."""

from __future__ import annotations

from datetime import date

import pytest

from juzhu.policy.audit_events import EVENT_LABELS, event_label, value_masked, values_masked
from juzhu.policy.errors import InvalidInput
from juzhu.policy.identity import address_mask, name_mask
from juzhu.policy.reads import (
    FIELD_LABELS,
    READ_ALERT_RECORDS_PER_DAY,
    READ_PURPOSES,
    READS,
    SHARING_READS,
    Channel,
    ReaderTally,
    ReadNotLogged,
    Scope,
    field_labels,
    is_bulk_reading,
    purpose_label,
    read_alert_threshold_check,
    read_get,
    readers_ranked,
)
from juzhu.policy.sharing import FIELDS, PURPOSES


def test_every_read_names_known_fields_and_a_known_purpose() -> None:
    for kind in READS.values():
        assert set(kind.fields) <= set(FIELD_LABELS), kind.code
        assert kind.purpose in READ_PURPOSES or kind.purpose in PURPOSES, kind.code
        assert kind.zh and kind.en


def test_every_shareable_field_has_words() -> None:
    assert set(FIELD_LABELS) >= FIELDS


def test_the_first_three_reads_are_the_department_sharing_service() -> None:
    assert {"entitlements.check", "inspections.number", "inspections.token"} == SHARING_READS


def test_an_unknown_read_is_a_programming_error_not_a_silent_row() -> None:
    with pytest.raises(ValueError, match="not a read"):
        read_get("page.nowhere")


@pytest.mark.parametrize(
    ("code", "once"),
    [
        ("page.employer.roster", True),  # a roster refreshed after each report: once a day
        ("api.late_registrations", True),
        ("export.employer.roster", False),  # every export is a new copy of the names
        ("page.person", False),  # a record read is logged every time
        ("page.queue", False),
    ],
)
def test_only_lists_naming_people_outside_exports_are_logged_once_a_day(code: str, once: bool) -> None:
    assert read_get(code).once_a_day is once


def test_lists_that_identify_nobody_show_only_masked_names_and_numbers() -> None:
    for kind in READS.values():
        if kind.scope is Scope.LIST:
            assert not {"name", "identity_number", "residence_address", "hukou_address", "phone"} & set(
                kind.fields
            ), kind.code


def test_each_channel_of_the_issue_has_reads() -> None:
    assert {k.channel for k in READS.values()} == set(Channel)


def test_words_for_purposes_and_fields_never_codes() -> None:
    assert purpose_label("counter.service") == "办理居住登记和居住证业务"
    assert purpose_label("education.school_place", "en") == "Compulsory-education school place"
    assert purpose_label("no.such") == "（未登记的用途）"
    assert field_labels(["identity_number", "name_masked"]) == ["公民身份号码", "姓名（遮蔽）"]
    assert field_labels(["permit_history"], "en") == ["Permit history"]


# --------------------------------------------------------------------------- the alert threshold


@pytest.mark.parametrize(("records", "flagged"), [(99, False), (100, False), (101, True)])
def test_more_than_the_threshold_in_a_day_is_bulk_reading(records: int, flagged: bool) -> None:
    # "超过" (T-inclusive): exactly the threshold is not flagged, one more person is.
    assert READ_ALERT_RECORDS_PER_DAY == 100
    assert is_bulk_reading(records, READ_ALERT_RECORDS_PER_DAY) is flagged


@pytest.mark.parametrize("bad", [0, -1, True])
def test_a_threshold_below_one_person_is_refused(bad: int) -> None:
    with pytest.raises(InvalidInput) as e:
        read_alert_threshold_check(bad)
    assert e.value.fields == ("JUZHU_READ_ALERT_PER_DAY",)


def test_a_threshold_of_one_person_is_allowed() -> None:
    assert read_alert_threshold_check(1) == 1


def _tally(account: str, records: int, busiest: int, reads: int = 0, listed: int = 0) -> ReaderTally:
    return ReaderTally(0, account, records, reads or records, date(2026, 12, 7), busiest, listed, 0, 0)


def test_readers_rank_by_distinct_records_then_reads_then_name() -> None:
    ranked = readers_ranked(
        [
            _tally("b-clerk", 40, 20, reads=50),
            _tally("a-clerk", 40, 20, reads=50),
            _tally("bulk", 400, 250),
            _tally("busy", 40, 20, reads=90),
            _tally("employer", 0, 0, listed=600),
        ],
        threshold=100,
    )
    assert [(r.rank, r.tally.account, r.flagged) for r in ranked] == [
        (1, "bulk", True),
        (2, "busy", False),
        (3, "a-clerk", False),
        (4, "b-clerk", False),
        (5, "employer", False),  # names seen in its own roster are not records opened
    ]


def test_the_flag_follows_the_busiest_day_not_the_period() -> None:
    # 700 people over a week, never more than 100 in one day: a busy week, not bulk reading.
    week, burst = _tally("week", 700, 100), _tally("burst", 101, 101)
    flags = {r.tally.account: r.flagged for r in readers_ranked([week, burst], 100)}
    assert flags == {"week": False, "burst": True}


def test_read_not_logged_is_unavailable_and_cites_confidentiality() -> None:
    e = ReadNotLogged()
    assert (e.kind, e.rule, e.code) == ("unavailable", "N-17-confidentiality", "read-not-logged")


# --------------------------------------------------------------------------- masking for the auditor


def test_personal_values_are_masked_for_the_audit_administrator() -> None:
    assert name_mask("王小明") == "王**"
    assert address_mask("临河区新华街1号") == "临河区*****"
    assert address_mask("") == ""
    old = {"address": "临河区新华街1号", "issue_date": "2025-07-10", "name": "王小明", "phone": "13800138000"}
    assert values_masked(old) == {
        "address": "临河区*****",
        "issue_date": "2025-07-10",
        "name": "王**",
        "phone": "138****8000",
    }
    assert value_masked("identity_number", "510121199005171238") == "510121********1238"
    assert value_masked("on_time", True) is True


def test_every_event_has_words_and_an_unknown_one_shows_no_identifier() -> None:
    assert all(zh and en for zh, en in EVENT_LABELS.values())
    assert event_label("permit.endorsed_late") == "逾期签注"
    assert event_label("accounts.something_new") == "（未命名的事项）"


def test_every_event_code_the_services_write_has_words() -> None:
    """Read from the source: the literal codes of every audit_record call (a new event needs its words)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    written: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(audit_record|_audit_many)\(", text):
            window = text[call.end() : call.end() + 400]
            written |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', window.split("\n)", 1)[0]))
    assert {"application.received", "employment.hire_found", "reads.bulk_alert"} <= written
    assert written - set(EVENT_LABELS) == set()
