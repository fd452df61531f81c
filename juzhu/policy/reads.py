"""Reads of personal data: what each read is, why it is made, and when bulk reading is flagged.

N-17-confidentiality (《居住证暂行条例》 art. 20): staff keep holders' personal information
confidential.  《中华人民共和国个人信息保护法》 art. 51 asks for operating permissions and technical
measures; 《网络安全法》 art. 21 (4) for records of what happens on the network, kept at least six
months; GB/T 22239-2019 (MLPS level 3) 8.1.4.3 for an audit covering every user, with the date and
time, the user, the event and its outcome, and 8.1.5.2 for an audit administrator who analyses
those records.  LH-2-sharing adds that every access by a department is logged.

This module is the catalogue behind the access log (``juzhu.sharing.AccessLog``): every kind of
read has a code, the channel it comes through, what it shows (the names of the fields, never the
values) and its purpose, each with words in both languages.  It also decides the one question the
bulk-reading report asks: was an account above the alert threshold on a day.

How a read is written (docs/decisions/0011-read-logging.md):

* ``Scope.RECORD`` — one person's record, document or file: one row per read, every time.
* ``Scope.ROWS`` — a list that names each person it shows (a full name, identity number, address or
  phone): one row per person shown, written by one bulk INSERT.  On pages and in the API a person is
  logged once per account, read and day (the first time); an export is logged every time.
* ``Scope.LIST`` — a list that identifies nobody by itself (names and numbers masked): one row for
  the whole list, with the number of rows it showed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from juzhu.policy.errors import InvalidInput, Kind, PolicyError
from juzhu.policy.sharing import PURPOSES

RULE = "N-17-confidentiality"

# The alert threshold of the bulk-reading report: an account that opened the records of more than
# this many distinct people in one day is flagged on the report and by the daily run (GB/T
# 22239-2019 8.1.5.2 b: the audit administrator analyses the records and acts on the result).  No
# text fixes the number; it is a deployment's setting (JUZHU_READ_ALERT_PER_DAY).  The default
# leaves room above a busy counter (a window serving an applicant every 8 minutes for 8 hours
# sees 60 people, a supervisor reviewing the hall's cases somewhat more), while a script walking
# the register passes it within minutes.  "超过" (T-inclusive): exactly the threshold is not flagged.
READ_ALERT_RECORDS_PER_DAY = 100
# The longest period the report counts at once: a year, beyond the six months the log is kept at
# least (《网络安全法》 art. 21), and a bound on the work of one page.
READ_REPORT_MAX_DAYS = 366

# The law behind the log, in words, for the pages that show it.
READ_LOG_LAW: tuple[tuple[str, str], ...] = (
    ("《居住证暂行条例》第二十条", "Interim Regulations on Residence Permits, art. 20"),
    (
        "《中华人民共和国个人信息保护法》第六条、第五十一条",
        "Personal Information Protection Law, arts. 6 and 51",
    ),
    ("《中华人民共和国网络安全法》第二十一条", "Cybersecurity Law, art. 21"),
    ("GB/T 22239-2019 8.1.4.3、8.1.5.2", "GB/T 22239-2019 8.1.4.3 and 8.1.5.2"),
)


class Scope(enum.StrEnum):
    RECORD = "record"
    ROWS = "rows"
    LIST = "list"


class Channel(enum.StrEnum):
    SHARE = "share"  # the department sharing service (its page or its API)
    API = "api"
    PAGE = "page"
    PDF = "pdf"
    FILE = "file"  # an uploaded material, streamed as it was stored
    EXPORT = "export"  # a file of many rows (CSV, xlsx)


CHANNEL_LABELS: dict[Channel, tuple[str, str]] = {
    Channel.SHARE: ("部门共享查询", "department sharing"),
    Channel.API: ("接口", "API"),
    Channel.PAGE: ("页面", "page"),
    Channel.PDF: ("打印文书（PDF）", "printed document (PDF)"),
    Channel.FILE: ("申请材料文件", "uploaded file"),
    Channel.EXPORT: ("导出文件", "export"),
}


@dataclass(frozen=True)
class ReadPurpose:
    """Why a read is made, for the readers that do not read through a department credential."""

    code: str
    zh: str
    en: str
    rule: str


COUNTER = "counter.service"
STAFF_ENTITLEMENT = "staff.counter"  # the counter asking an entitlement question (juzhu.sharing)
ENFORCEMENT = "case.enforcement"
EMPLOYER_OWN_STAFF = "employer.own_staff"
DEPARTMENT_ACCOUNTING = "sharing.accountability"
AUDIT = "audit.review"

READ_PURPOSES: dict[str, ReadPurpose] = {
    p.code: p
    for p in (
        ReadPurpose(COUNTER, "办理居住登记和居住证业务", "Residence registration and permit business", "N-8-authority"),
        ReadPurpose(STAFF_ENTITLEMENT, "窗口查询公共服务资格", "Entitlement question at the counter", "LH-4-services"),
        ReadPurpose(ENFORCEMENT, "居住登记执法办案", "Enforcement of the registration duties", "LH-4-register-penalty"),
        ReadPurpose(
            EMPLOYER_OWN_STAFF, "用人单位管理本单位流动人口从业人员", "An employer's own migrant staff",
            "LH-4-employer-record",
        ),
        ReadPurpose(
            DEPARTMENT_ACCOUNTING, "部门核对本部门的查询记录", "A department accounting for its reads", "LH-2-sharing"
        ),
        ReadPurpose(AUDIT, "安全审计", "Security audit", RULE),
    )
}  # fmt: skip


def purpose_label(code: str, lang: str = "zh-hans") -> str:
    """A purpose in words: a reader's own purpose, or a department credential's (LH-2-sharing)."""
    p = READ_PURPOSES.get(code)
    if p is not None:
        return p.en if lang == "en" else p.zh
    shared = PURPOSES.get(code)
    if shared is not None:
        return shared.en if lang == "en" else shared.zh
    return "（未登记的用途）" if lang != "en" else "(unregistered purpose)"


# The names of the fields a log row may name, in words.  A row stores these names, never values.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    # the sharing purposes' fields (juzhu.policy.sharing.FIELDS)
    "entitled": ("是否享受", "Entitled"),
    "reasons": ("理由", "Reasons"),
    "service": ("服务", "Service"),
    "permit_status": ("居住证状态", "Permit status"),
    "permit_number": ("居住证编号", "Permit number"),
    "issue_date": ("签发日期", "Issue date"),
    "residence_since": ("居住年限起算日", "Residence counted since"),
    "next_anniversary": ("下次签注日", "Next anniversary"),
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "birth_date": ("出生日期", "Birth date"),
    "identity_number": ("公民身份号码", "Identity number"),
    "residence_address": ("居住地址", "Residence address"),
    "hukou_address": ("户籍地址", "Hukou address"),
    # everything else a page, document or list shows
    "name_masked": ("姓名（遮蔽）", "Name (masked)"),
    "identity_number_masked": ("公民身份号码（遮蔽）", "Identity number (masked)"),
    "ethnicity": ("民族", "Ethnicity"),
    "phone": ("联系电话", "Phone"),
    "contact": ("网上填写的联系方式", "Contact given online"),
    "photo": ("本人相片", "Photo"),
    "registration": ("居住登记", "Residence registration"),
    "permit_history": ("证件履历", "Permit history"),
    "application": ("申请事项与状态", "Application and its status"),
    "documents": ("申请材料", "Documents"),
    "uploads": ("上传的材料文件", "Uploaded files"),
    "proxy": ("代办人", "Proxy"),
    "notice": ("一次性告知书", "One-time notice"),
    "fee": ("工本费票据", "Fee receipt"),
    "case": ("执法案件", "Enforcement case"),
    "case_history": ("案件履历", "Case history"),
    "employment": ("从业记录", "Employment record"),
    "household": ("监护关系", "Household links"),
    "epermit": ("电子居住证", "E-permit"),
    "access_log": ("查阅记录", "Access log"),
    "audit_trail": ("审计日志", "Audit trail"),
    "accounts": ("账号查阅统计", "Reads by account"),
}


_FIELD_ORDER = {name: i for i, name in enumerate(FIELD_LABELS)}


def field_labels(names: Iterable[str], lang: str = "zh-hans") -> list[str]:
    """Field names in words, in the catalogue's order (the answer first, then who, then the record)."""
    ordered = sorted(set(names), key=lambda n: (_FIELD_ORDER.get(n, len(_FIELD_ORDER)), n))
    return [
        (FIELD_LABELS[n][1] if lang == "en" else FIELD_LABELS[n][0]) if n in FIELD_LABELS else n
        for n in ordered
    ]


@dataclass(frozen=True)
class ReadKind:
    """One kind of read: the code stored in the log, how it reaches the reader, what it shows and why."""

    code: str
    channel: Channel
    scope: Scope
    purpose: str  # the default purpose; a department's read carries its credential's purpose
    zh: str
    en: str
    fields: tuple[str, ...]
    rule: str = RULE

    @property
    def once_a_day(self) -> bool:
        """A list naming people on a page or in the API is logged once per account, read and day; an
        export is a new copy every time, so each one is logged."""
        return self.scope is Scope.ROWS and self.channel is not Channel.EXPORT

    def label(self, lang: str = "zh-hans") -> str:
        return self.en if lang == "en" else self.zh


_PERSON = ("name", "identity_number", "sex", "birth_date", "ethnicity", "hukou_address", "phone")
_CARD = (
    "name", "sex", "ethnicity", "birth_date", "identity_number", "hukou_address", "residence_address",
    "permit_number", "permit_status", "issue_date", "residence_since", "next_anniversary",
)  # fmt: skip
_MASKED = ("name_masked", "identity_number_masked")
_ROSTER = ("name", "identity_number_masked", "employment")

_C, _E, _W, _A = COUNTER, ENFORCEMENT, EMPLOYER_OWN_STAFF, AUDIT
READS: dict[str, ReadKind] = {
    r.code: r
    for r in (
        # the department sharing service (LH-2-sharing, LH-4-inspection): fields per purpose
        ReadKind("entitlements.check", Channel.SHARE, Scope.RECORD, STAFF_ENTITLEMENT, "公共服务资格查询",
                 "Entitlement check", (), "LH-2-sharing"),
        ReadKind("inspections.number", Channel.SHARE, Scope.RECORD, "police.inspection", "按证号查验",
                 "Inspection by number", (), "LH-4-inspection"),
        ReadKind("inspections.token", Channel.SHARE, Scope.RECORD, "police.inspection", "扫码查验",
                 "Inspection by QR", (), "LH-4-inspection"),
        # the staff API
        ReadKind("api.applications", Channel.API, Scope.LIST, _C, "申请列表", "Applications list",
                 (*_MASKED, "application", "documents")),
        ReadKind("api.application", Channel.API, Scope.RECORD, _C, "申请详情", "Application",
                 (*_MASKED, "application", "documents", "proxy")),
        ReadKind("api.notice", Channel.API, Scope.RECORD, _C, "一次性告知书", "One-time notice", ("notice",)),
        ReadKind("api.permit", Channel.API, Scope.RECORD, _C, "居住证详情", "Permit", _CARD),
        ReadKind("api.permit.history", Channel.API, Scope.RECORD, _C, "居住证履历", "Permit history",
                 ("permit_number", "permit_history")),
        ReadKind("api.epermit", Channel.API, Scope.RECORD, _C, "电子居住证二维码", "E-permit QR",
                 ("permit_number", "name_masked", "issue_date", "epermit")),
        ReadKind("api.person.access_log", Channel.API, Scope.RECORD, _C, "查阅记录", "Access log",
                 ("identity_number_masked", "access_log")),
        ReadKind("api.person.household", Channel.API, Scope.RECORD, _C, "监护关系", "Household links",
                 ("identity_number_masked", "birth_date", "household")),
        ReadKind("api.cases", Channel.API, Scope.LIST, _E, "执法案件列表", "Enforcement cases list",
                 (*_MASKED, "case", "case_history")),
        ReadKind("api.case", Channel.API, Scope.RECORD, _E, "执法案件", "Enforcement case",
                 (*_MASKED, "case", "case_history")),
        ReadKind("api.late_registrations", Channel.API, Scope.ROWS, _E, "逾期申报名单", "Late registrations",
                 (*_MASKED, "residence_address", "registration")),
        ReadKind("api.employer.roster", Channel.API, Scope.ROWS, _C, "从业人员名单", "Staff roster", _ROSTER),
        ReadKind("api.employer.compliance", Channel.API, Scope.ROWS, _C, "报告合规情况", "Report compliance",
                 _ROSTER),
        # pages
        ReadKind("page.queue", Channel.PAGE, Scope.LIST, _C, "今日待办", "Today's queue",
                 (*_MASKED, "application")),
        ReadKind("page.find", Channel.PAGE, Scope.ROWS, _C, "查找人员（多人匹配）", "Find a person (several matches)",
                 ("name", "identity_number_masked")),
        ReadKind("page.person", Channel.PAGE, Scope.RECORD, _C, "人员记录", "Person's record",
                 (*_PERSON, "registration", "permit_number", "residence_address", "permit_history", "application",
                  "fee", "case", "access_log")),
        ReadKind("page.counter.register", Channel.PAGE, Scope.RECORD, _C, "居住登记表单", "Registration form",
                 _PERSON),
        ReadKind("page.counter.apply", Channel.PAGE, Scope.RECORD, _C, "申领/换领/补领表单", "Application form",
                 ("name", "permit_number")),
        ReadKind("page.counter.endorse", Channel.PAGE, Scope.RECORD, _C, "签注表单", "Endorsement form",
                 ("name", "permit_number", "permit_status", "next_anniversary")),
        ReadKind("page.counter.address", Channel.PAGE, Scope.RECORD, _C, "变更住址表单", "Address change form",
                 ("name", "permit_number", "residence_address")),
        ReadKind("page.case", Channel.PAGE, Scope.RECORD, _C, "申请办理页", "Application case page",
                 (*_PERSON, "contact", "application", "documents", "uploads", "proxy", "notice", "fee",
                  "audit_trail")),
        ReadKind("page.employer.roster", Channel.PAGE, Scope.ROWS, _W, "本单位从业人员名单", "Our staff roster",
                 _ROSTER),
        ReadKind("page.department.access_log", Channel.PAGE, Scope.LIST, DEPARTMENT_ACCOUNTING,
                 "本部门查询记录", "The department's reads", ("identity_number_masked", "access_log")),
        ReadKind("page.audit.report", Channel.PAGE, Scope.LIST, _A, "批量查阅统计", "Bulk-reading report",
                 ("accounts",)),
        ReadKind("page.audit.account", Channel.PAGE, Scope.LIST, _A, "账号查阅记录", "An account's reads",
                 (*_MASKED, "access_log")),
        ReadKind("page.audit.person", Channel.PAGE, Scope.RECORD, _A, "个人被查阅记录与审计日志",
                 "A person's reads and audit trail", (*_MASKED, "access_log", "audit_trail")),
        ReadKind("page.audit.trail", Channel.PAGE, Scope.LIST, _A, "审计日志", "Audit trail",
                 (*_MASKED, "audit_trail")),
        # the uploaded materials, printed documents and exports
        ReadKind("file.upload", Channel.FILE, Scope.RECORD, _C, "申请材料文件", "Uploaded document", ("uploads",)),
        ReadKind("pdf.card", Channel.PDF, Scope.RECORD, _C, "居住证卡片", "Permit card", (*_CARD, "photo", "epermit")),
        ReadKind("pdf.notice", Channel.PDF, Scope.RECORD, _C, "一次性告知书", "One-time notice",
                 ("name", "identity_number", "application", "notice")),
        ReadKind("pdf.receipt", Channel.PDF, Scope.RECORD, _C, "工本费票据", "Fee receipt",
                 ("name", "identity_number_masked", "application", "fee")),
        ReadKind("pdf.decision", Channel.PDF, Scope.RECORD, _E, "处罚决定书", "Enforcement decision",
                 ("name", "identity_number", "residence_address", "case", "case_history")),
        ReadKind("export.employer.roster", Channel.EXPORT, Scope.ROWS, _C, "从业人员名单（xlsx）",
                 "Staff roster (xlsx)", _ROSTER),
    )
}  # fmt: skip

# The reads a department's own access log lists: those made through the sharing service.
SHARING_READS = frozenset(code for code, r in READS.items() if r.channel is Channel.SHARE)


def read_get(code: str) -> ReadKind:
    """The catalogue entry of a read; an unknown code is a programming error, never a silent row."""
    try:
        return READS[code]
    except KeyError:
        raise ValueError(f"not a read of the catalogue: {code!r}") from None


class ReadNotLogged(PolicyError):
    """The read could not be written to the access log, so nothing is returned (N-17-confidentiality)."""

    kind: ClassVar[Kind] = "unavailable"

    def __init__(self) -> None:
        super().__init__(
            rule=RULE,
            code="read-not-logged",
            zh="查阅记录无法写入，系统不返回任何个人信息；请稍后再试或联系系统管理员。",
            en="The read could not be recorded in the access log, so no personal data is returned; "
            "try again later or call the system administrator.",
        )


def read_alert_threshold_check(value: int) -> int:
    """A deployment's alert threshold: a whole number of people, at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(
            rule=RULE,
            code="read-alert-threshold",
            zh="批量查阅告警阈值须为不小于1的整数（人/日）。",
            en="The bulk-reading alert threshold must be a whole number of people a day, at least 1.",
            fields=("JUZHU_READ_ALERT_PER_DAY",),
        )
    return value


def is_bulk_reading(records_in_a_day: int, threshold: int) -> bool:
    """Above the threshold ("超过", T-inclusive): ``threshold`` people in a day is not flagged, one more is."""
    return records_in_a_day > threshold


@dataclass(frozen=True)
class ReaderTally:
    """What one account read in a period, as counted from the access log."""

    account_id: int
    account: str
    records: int  # distinct people whose record, document or file the account opened
    reads: int  # record reads (Scope.RECORD rows)
    busiest_day: date | None
    busiest_day_records: int  # distinct people opened on the busiest day
    listed: int  # people named in lists (Scope.ROWS rows: each at most once per list and day)
    list_views: int  # lists identifying nobody (Scope.LIST rows)
    rows_shown: int  # the rows those lists showed


@dataclass(frozen=True)
class RankedReader:
    tally: ReaderTally
    rank: int
    flagged: bool  # above the alert threshold on at least one day of the period


def readers_ranked(tallies: Iterable[ReaderTally], threshold: int) -> list[RankedReader]:
    """The accounts that read the most distinct records first; ties by record reads, then people named
    in lists, then the account name, so the order never depends on the database."""
    ordered = sorted(tallies, key=lambda t: (-t.records, -t.reads, -t.listed, -t.list_views, t.account))
    return [
        RankedReader(t, i, is_bulk_reading(t.busiest_day_records, threshold))
        for i, t in enumerate(ordered, 1)
    ]
