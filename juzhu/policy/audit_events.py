"""The audit trail in words: each event code and each recorded value's name, in both languages, and
which recorded values are personal data that the audit administrator sees masked.

GB/T 22239-2019 8.1.5.2: the audit administrator analyses the audit records; 《中华人民共和国个人信息
保护法》 art. 6: no more personal information than the purpose needs, so a value that names,
identifies, locates or reaches a person is masked on the audit pages (N-17-confidentiality).
"""

from __future__ import annotations

from collections.abc import Mapping

from juzhu.policy.identity import address_mask, identity_mask, name_mask
from juzhu.policy.lifecycle import APP_STATUS_LABELS, PERMIT_STATUS_LABELS
from juzhu.policy.materials import CASE_KIND_LABELS, DOC_LABELS
from juzhu.policy.penalties import CASE_STATUS_LABELS
from juzhu.policy.proof import PURPOSE_LABELS
from juzhu.policy.proxy import PROXY_RELATION_LABELS
from juzhu.policy.reminders import contact_mask

# Every event code the services write (juzhu.audit.AuditEvent.code).
EVENT_LABELS: dict[str, tuple[str, str]] = {
    "person.updated": ("更新人员信息", "personal details updated"),
    "person.contact_changed": ("变更提醒联系方式", "reminder contact changed"),
    "registration.declared": ("居住登记", "residence registered"),
    "application.received": ("收件", "received"),
    "application.notified": ("出具一次性告知书", "one-time notice issued"),
    "application.supplemented": ("补正材料", "documents added"),
    "application.accepted": ("受理", "accepted"),
    "application.approved": ("审核通过", "approved"),
    "application.refused": ("不予受理/不予发证", "refused"),
    "application.issued": ("发证", "issued"),
    "application.withdrawn": (
        "网上预申请撤回（已在窗口重新申请）",
        "online pre-application withdrawn (applied at the counter)",
    ),
    "fee.charged": ("收取工本费", "card fee charged"),
    "permit.issued": ("签发居住证", "permit issued"),
    "permit.endorsed": ("按期签注", "endorsed on time"),
    "permit.endorsed_late": ("逾期签注", "endorsed late"),
    "permit.address_changed": ("变更住址", "address changed"),
    "permit.replaced": ("换领新证", "replacement card"),
    "permit.reissued": ("补领新证", "reissued card"),
    "sweep.suspended": ("逾期未签注，批量中止", "overdue permits suspended"),
    "employer.registered": ("登记用人单位", "employer registered"),
    "employer.designated_staff_changed": ("变更专（兼）职人员", "designated staff changed"),
    "employer.account_granted": ("关联用人单位账号", "employer account linked"),
    "employer.account_revoked": ("解除用人单位账号", "employer account unlinked"),
    "employer.roster_imported": ("导入从业人员花名册", "roster imported"),
    "employment.hire_reported": ("报告招用", "hire reported"),
    "employment.hire_found": ("记录未报告的招用", "unreported hire recorded"),
    "employment.departure_reported": ("报告离职", "departure reported"),
    "case.warned": ("立案并警告", "case opened with a warning"),
    "case.ordered": ("责令限期改正", "ordered to correct"),
    "case.corrected": ("已改正，结案", "corrected, closed"),
    "case.fined": ("罚款", "fined"),
    "household.linked": ("登记监护关系", "household link recorded"),
    "household.unlinked": ("解除监护关系", "household link ended"),
    "publication.recorded": ("登记服务公布", "publication recorded"),
    "sharing.credential_issued": ("发放共享凭证", "sharing credential issued"),
    "sharing.credential_revoked": ("吊销共享凭证", "sharing credential revoked"),
    "reads.bulk_alert": ("批量查阅告警", "bulk-reading alert"),
    "proof.code_sent": ("发送短信验证码", "one-time code sent"),
    "proof.code_verified": ("短信验证码核验通过", "one-time code verified"),
    "proof.code_locked": ("短信验证码错误次数过多，已作废", "one-time code voided after too many wrong tries"),
}

# What an event is about (AuditEvent.subject_type: the model's name).
SUBJECT_LABELS: dict[str, tuple[str, str]] = {
    "person": ("人员", "person"),
    "residenceregistration": ("居住登记", "registration"),
    "application": ("申请", "application"),
    "notice": ("一次性告知书", "notice"),
    "feereceipt": ("收费票据", "fee receipt"),
    "permit": ("居住证", "permit"),
    "employer": ("用人单位", "employer"),
    "employmentrecord": ("从业记录", "employment record"),
    "case": ("执法案件", "enforcement case"),
    "householdlink": ("监护关系", "household link"),
    "publication": ("服务公布", "publication"),
    "departmentcredential": ("共享凭证", "sharing credential"),
    "user": ("账号", "account"),
    "phonecode": ("短信验证码", "one-time code"),
    "_sweepsubject": ("每日批处理", "daily run"),
}


def subject_label(subject_type: str, lang: str = "zh-hans") -> str:
    zh, en = SUBJECT_LABELS.get(subject_type, ("记录", "record"))
    return en if lang == "en" else zh


# The names of the values events record.
KEY_LABELS: dict[str, tuple[str, str]] = {
    "status": ("状态", "status"),
    "old_status": ("原证状态", "old card's status"),
    "documents": ("材料", "documents"),
    "kind": ("事项", "kind"),
    "channel": ("渠道", "channel"),
    "notice": ("告知书", "notice"),
    "items": ("告知事项", "items"),
    "accepted_on": ("受理日期", "accepted on"),
    "due_on": ("期限", "due on"),
    "reason": ("理由", "reason"),
    "rule": ("依据", "rule"),
    "decision_rule": ("决定依据", "rule of the decision"),
    "amount": ("金额", "amount"),
    "receipt": ("票据", "receipt"),
    "number": ("编号", "number"),
    "permit": ("居住证", "permit"),
    "application": ("申请", "application"),
    "uploads": ("上传文件", "files uploaded"),
    "proxy_relation": ("代办关系", "proxy"),
    "contact_phone": ("联系电话", "phone"),
    "contact_email": ("电子邮箱", "e-mail"),
    "phone": ("电话", "phone"),
    "email": ("电子邮箱", "e-mail"),
    "name": ("姓名", "name"),
    "ethnicity": ("民族", "ethnicity"),
    "hukou_division": ("户口所在地区划", "hukou division"),
    "hukou_address": ("户籍地址", "hukou address"),
    "address": ("住址", "address"),
    "division": ("区划", "division"),
    "limited_mobility": ("行动不便", "limited mobility"),
    "disabled": ("残疾人", "disabled"),
    "arrived_on": ("到达日期", "arrived on"),
    "declared_on": ("申报日期", "declared on"),
    "on_time": ("按期", "on time"),
    "issue_date": ("签发日期", "issue date"),
    "next_anniversary": ("下一周年日", "next anniversary"),
    "residence_since": ("居住年限起算日", "residence since"),
    "on": ("日期", "date"),
    "suspended": ("中止数", "suspended"),
    "employer": ("用人单位", "employer"),
    "credit_code": ("统一社会信用代码", "credit code"),
    "division_code": ("区划", "division"),
    "designated_staff_name": ("专（兼）职人员", "designated staff"),
    "user": ("账号", "account"),
    "purpose": ("用途", "purpose"),
    "to": ("发送至", "sent to"),
    "expires_at": ("有效至", "valid until"),
    "attempts": ("尝试次数", "attempts"),
    "rows": ("行数", "rows"),
    "recorded": ("新记录", "recorded"),
    "unchanged": ("未变", "unchanged"),
    "reported_on": ("报告日期", "reported on"),
    "hired_on": ("招用日期", "hired on"),
    "ended_on": ("结束日期", "ended on"),
    "offender": ("当事人", "offender"),
    "duty_rule": ("违反义务", "duty broken"),
    "registration": ("居住登记", "registration"),
    "warned_on": ("警告日期", "warned on"),
    "ordered_on": ("责令日期", "ordered on"),
    "deadline": ("改正期限", "deadline"),
    "corrected_on": ("改正日期", "corrected on"),
    "within_deadline": ("期限内改正", "within the deadline"),
    "fined_on": ("罚款日期", "fined on"),
    "guardian": ("监护人", "guardian"),
    "relation": ("关系", "relation"),
    "lives_with": ("共同居住", "lives with"),
    "since": ("起始日期", "since"),
    "department": ("部门", "department"),
    "published_on": ("公布日期", "published on"),
    "title": ("标题", "title"),
    "purposes": ("用途", "purposes"),
    "active": ("有效", "active"),
    "day": ("日期", "day"),
    "records": ("查阅人数", "people read"),
    "threshold": ("告警阈值", "alert threshold"),
}

# Values that name, identify, locate or reach a person, and how each is masked (N-17-confidentiality).
_NAMES = frozenset({"name", "designated_staff_name"})
_ADDRESSES = frozenset({"address", "hukou_address"})
_CONTACTS = frozenset({"phone", "email", "contact_phone", "contact_email"})
_IDENTITY = frozenset({"identity_number", "proxy_identity_number"})
MASKED_KEYS = _NAMES | _ADDRESSES | _CONTACTS | _IDENTITY


def value_masked(key: str, value: object) -> object:
    """The value as the audit administrator sees it: personal values masked, everything else as recorded."""
    if not isinstance(value, str) or not value:
        return value
    if key in _NAMES:
        return name_mask(value)
    if key in _ADDRESSES:
        return address_mask(value)
    if key in _CONTACTS:
        return contact_mask(value)
    if key in _IDENTITY:
        return identity_mask(value)
    return value


def values_masked(values: Mapping[str, object]) -> dict[str, object]:
    return {k: value_masked(k, v) for k, v in values.items()}


def event_label(code: str, lang: str = "zh-hans") -> str:
    """An event in words; a code no label names yet is shown as such, never as a bare identifier."""
    zh, en = EVENT_LABELS.get(code, ("（未命名的事项）", "(unnamed event)"))
    return en if lang == "en" else zh


def key_label(key: str, lang: str = "zh-hans") -> str:
    zh, en = KEY_LABELS.get(key, ("其他", "other"))
    return en if lang == "en" else zh


# Stored codes that values take, in words (the statuses of applications, permits and cases are
# distinct strings, so one table serves every "status").
_CODE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        **{str(k): v for k, v in APP_STATUS_LABELS.items()},
        **{str(k): v for k, v in PERMIT_STATUS_LABELS.items()},
        **{str(k): v for k, v in CASE_STATUS_LABELS.items()},
    },
    "old_status": {str(k): v for k, v in PERMIT_STATUS_LABELS.items()},
    "kind": {str(k): v for k, v in CASE_KIND_LABELS.items()},
    "documents": {str(k): v for k, v in DOC_LABELS.items()},
    "proxy_relation": {str(k): v for k, v in PROXY_RELATION_LABELS.items()},
    "relation": {str(k): v for k, v in PROXY_RELATION_LABELS.items()},
    "offender": {"person": ("个人", "person"), "employer": ("用人单位", "employer")},
    "channel": {"counter": ("窗口受理", "counter"), "online": ("网上预申请", "online")},
    "purpose": {str(k): v for k, v in PURPOSE_LABELS.items()},
}
_YES_NO = {True: ("是", "yes"), False: ("否", "no")}


def value_words(key: str, value: object, lang: str = "zh-hans") -> str:
    """A recorded value in words: codes named, yes/no for flags, lists joined, everything else as stored."""
    i = 1 if lang == "en" else 0
    if isinstance(value, bool):
        return _YES_NO[value][i]
    words = _CODE_WORDS.get(key, {})
    if isinstance(value, list):
        sep = ", " if lang == "en" else "、"
        return sep.join(words[str(v)][i] if str(v) in words else str(v) for v in value)
    if isinstance(value, str) and value in words:
        return words[value][i]
    return "" if value is None else str(value)
