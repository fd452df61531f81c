"""The printed documents of the service hall: one-time notice, permit card, fee receipt, enforcement decision.

Each document is built from the record it prints (never from a form's input), names the issuing
authority, its own number and dates, and the rule ids that decided it, so the paper a person takes
home cites the same clause a clerk reads out.  The font is WenQuanYi Micro Hei, embedded (subset,
FontFile2) from ``fonts/wqy-microhei.ttc``: a PDF prints the same on a service-hall PC with no
Chinese fonts installed.  reportlab's CID font STSong-Light is never used because it is not embedded.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from pathlib import Path
from typing import Any

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from juzhu.enforcement.models import Case
from juzhu.epermit.services import VERIFY_PATH, permit_token
from juzhu.policy.errors import Lang, PolicyError
from juzhu.policy.fees import fee_for
from juzhu.policy.identity import identity_mask
from juzhu.policy.materials import CASE_KIND_LABELS, CaseKind, Doc
from juzhu.policy.parameters import JurisdictionPolicy
from juzhu.policy.penalties import CaseStatus, Offender, fine_range
from juzhu.registry.models import ApplicationDocument, FeeReceipt, Notice, Permit, Person
from juzhu.registry.online import upload_path
from juzhu.registry.selectors import jurisdiction

FONT = "WQYMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
# The permit card: ISO/IEC 7810 ID-1, the size of the resident identity card.
CARD_SIZE = (85.6 * mm, 54 * mm)

KIND_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in CASE_KIND_LABELS.items()}


def _font() -> str:
    """Register the embedded font once per process (reportlab keeps a global registry)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def _t(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _d(d: date | None, lang: Lang = "zh-hans") -> str:
    if d is None:
        return "—"
    return d.isoformat() if lang == "en" else f"{d.year}年{d.month}月{d.day}日"


def _yuan(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_GROUPS = ["", "万", "亿"]


def yuan_in_capitals(amount: Decimal) -> str:
    """人民币大写 as a receipt writes it: 20 → 贰拾元整, 20.50 → 贰拾元伍角."""
    cents = int((amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100).to_integral_value())
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    out = ""
    if yuan == 0:
        out = "零"
    else:
        group_index = 0
        pending_zero = False
        while yuan:
            yuan, group = divmod(yuan, 10000)
            part = ""
            zero = False
            for i in range(4):
                group, digit = divmod(group, 10)
                if digit:
                    part = _DIGITS[digit] + _UNITS[i] + ("零" if zero and part else "") + part
                    zero = False
                else:
                    zero = True
            if part:
                out = part + _GROUPS[group_index] + ("零" if pending_zero and out else "") + out
            pending_zero = zero or not part
            group_index += 1
    out += "元"
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif fen:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    return out


# --------------------------------------------------------------------------- A4 documents


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "authority": ParagraphStyle("authority", parent=base, fontSize=12, alignment=1, leading=18),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=4),
        "number": ParagraphStyle("number", parent=base, fontSize=10, alignment=1, textColor=colors.grey),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.grey),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text, quote=False), style)


def _facts(rows: Sequence[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in rows],
        colWidths=[42 * mm, 128 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _build(story: list[Flowable], title: str, author: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        creator="Juzhu",
    )
    doc.build(story)
    return buf.getvalue()


def _header(st: dict[str, ParagraphStyle], authority: str, title: str, number: str) -> list[Flowable]:
    return [
        _p(authority, st["authority"]),
        Spacer(1, 2 * mm),
        _p(title, st["title"]),
        _p(number, st["number"]),
        Spacer(1, 5 * mm),
    ]


def _footer(st: dict[str, ParagraphStyle], authority: str, on: date | None, lang: Lang) -> list[Flowable]:
    right = ParagraphStyle("right", parent=st["body"], alignment=2)
    return [
        Spacer(1, 12 * mm),
        _p(authority + _t(lang, "（印章）", " (seal)"), right),
        _p(_d(on, lang), right),
    ]


def _rules_line(rules: Sequence[str], st: dict[str, ParagraphStyle], lang: Lang) -> Paragraph:
    unique = list(dict.fromkeys(r for r in rules if r))
    return _p(_t(lang, "依据条款：", "Rules: ") + ", ".join(unique), st["small"])


def _person_label(person: Person, lang: Lang) -> str:
    masked = identity_mask(person.identity_number)
    return f"{person.name} ({masked})" if lang == "en" else f"{person.name}（{masked}）"


def notice_pdf(notice: Notice, lang: Lang = "zh-hans") -> bytes:
    """一次性告知书 (LH-3.2-one-time-notice): every missing material at once, with the rule of each item."""
    st = _styles()
    app = notice.application
    policy = jurisdiction()
    authority = policy.issuing_authority_en if lang == "en" else policy.issuing_authority_zh
    station = app.police_station.name
    kind = KIND_LABELS.get(app.kind, (app.kind, app.kind))
    story: list[Flowable] = _header(
        st,
        authority,
        _t(
            lang,
            "居住证申领材料一次性告知书",
            "One-time notice of materials to supplement (residence permit)",
        ),
        _t(lang, f"告知书编号：{notice.number}", f"Notice no. {notice.number}"),
    )
    story.append(
        _facts(
            [
                (_t(lang, "申请编号", "Application"), app.number),
                (_t(lang, "申请人", "Applicant"), _person_label(app.person, lang)),
                (_t(lang, "申请事项", "Case"), _t(lang, f"居住证{kind[0]}", f"residence permit, {kind[1]}")),
                (_t(lang, "收件日期", "Received"), _d(app.submitted_on, lang)),
                (_t(lang, "告知日期", "Notice date"), _d(notice.issued_on, lang)),
                (_t(lang, "受理地点", "Office"), station),
            ],
            st,
        )
    )
    story.append(Spacer(1, 5 * mm))
    story.append(
        _p(
            _t(
                lang,
                f"{app.person.name}：您申请的居住证{kind[0]}材料尚不齐全。根据一次性告知制度，请补齐以下全部材料：",
                f"{app.person.name}: the materials for your residence permit {kind[1]} are incomplete. "
                "Under the one-time notice rule, please bring all of the following:",
            ),
            st["body"],
        )
    )
    story.append(Spacer(1, 2 * mm))
    rows: list[list[Any]] = [
        [
            _p(_t(lang, "序号", "No."), st["cell"]),
            _p(_t(lang, "需补正材料", "Material"), st["cell"]),
            _p(_t(lang, "依据", "Rule"), st["cell"]),
        ]
    ]
    for i, item in enumerate(notice.items, start=1):
        text = item.get("en" if lang == "en" else "zh") or item.get("zh", "")
        rows.append([_p(str(i), st["cell"]), _p(text, st["cell"]), _p(item.get("rule", ""), st["cell"])])
    items = Table(rows, colWidths=[14 * mm, 116 * mm, 40 * mm], repeatRows=1)
    items.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(items)
    story.append(Spacer(1, 4 * mm))
    story.append(
        _p(
            _t(
                lang,
                "补齐上述材料后即予受理，不会再要求您提交其他材料。"
                f"受理之日起{policy.issue_limit_days}日内发放居住证，期限最后一日为法定休息日的，顺延至下一个工作日。",
                "Once you bring the materials above, the application is accepted; nothing further will be asked. "
                f"The permit is issued within {policy.issue_limit_days} days of acceptance; a last day that is "
                "a rest day moves to the next working day.",
            ),
            st["body"],
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(
        _rules_line(
            [
                "LH-3.2-one-time-notice",
                "N-9-materials",
                *(i.get("rule", "") for i in notice.items),
                "LH-3.2-issue-15d",
                "T-holiday",
            ],
            st,
            lang,
        )
    )
    story += _footer(st, authority, notice.issued_on, lang)
    return _build(story, f"{notice.number}", authority)


def fee_kinds_zh(policy: JurisdictionPolicy) -> str:
    """Which case kinds pay the card fee and which are free, as ``fee_for`` decides (LH-3.2-fees)."""
    charged = [CASE_KIND_LABELS[k][0] for k in CaseKind if fee_for(k, policy).amount > 0]
    free = [CASE_KIND_LABELS[k][0] for k in CaseKind if fee_for(k, policy).amount == 0]
    parts = [f"{'、'.join(charged)}收取"] if charged else []
    if free:
        parts.append(f"{'、'.join(free)}不收费")
    return "；".join(parts)


def receipt_pdf(receipt: FeeReceipt) -> bytes:
    """工本费收据 (LH-3.2-fees, N-21-fees): what was paid, for which card, at the rate the policy sets."""
    st = _styles()
    policy = jurisdiction()
    authority = policy.issuing_authority_zh
    app = receipt.application
    kind = KIND_LABELS.get(receipt.kind, (receipt.kind, receipt.kind))
    rate = fee_for(CaseKind(receipt.kind), policy).amount
    story: list[Flowable] = _header(st, authority, "居住证工本费收据", f"票据编号：{receipt.number}")
    story.append(
        _facts(
            [
                ("缴款人", _person_label(receipt.person, "zh-hans")),
                ("申请编号", app.number),
                ("收费项目", f"居住证工本费（{kind[0]}）"),
                ("金额（小写）", f"¥{_yuan(receipt.amount)}元"),
                ("金额（大写）", f"人民币{yuan_in_capitals(receipt.amount)}"),
                ("收费标准", f"每证{_yuan(rate)}元（{fee_kinds_zh(policy)}）"),
                ("缴款日期", _d(receipt.paid_on)),
                ("收款人", receipt.cashier.get_username() if receipt.cashier else "—"),
                ("收款单位", authority),
            ],
            st,
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(_rules_line([receipt.rule, "LH-3.2-fees", "N-21-fees", "LH-3.2-replace"], st, "zh-hans"))
    story += _footer(st, authority, receipt.paid_on, "zh-hans")
    return _build(story, receipt.number, authority)


_DECISION_TITLES: dict[str, str] = {
    CaseStatus.WARNED: "警告决定书",
    CaseStatus.ORDERED: "责令限期改正通知书",
    CaseStatus.CORRECTED: "责令限期改正结案通知书",
    CaseStatus.FINED: "行政处罚（罚款）决定书",
}


def _duty_text(policy: JurisdictionPolicy) -> dict[str, str]:
    """The duty each rule sets, with the periods and the threshold of the policy (not typed in here)."""
    return {
        "LH-4-register-3d": f"未在到达后{policy.register_declare_days}日内申报居住登记",
        "LH-4-employer-record": "未如实登记所招用流动人口的姓名、身份证号码等基本情况",
        "LH-4-employer-report-5wd": (
            f"未在签订或终止劳动关系后{policy.employer_report_workdays}个工作日内向所在地派出所报告"
        ),
        "LH-4-employer-staff-100": (
            f"招用流动人口超过{policy.employer_staff_threshold}人而未配备专（兼）职服务管理人员"
        ),
    }


# Labels of the facts a late-registration case records (juzhu.enforcement.services); other keys print as given.
_FACT_LABELS: dict[str, str] = {
    "registration_kind": "登记类型",
    "arrived_on": "到达日期",
    "due_on": "应申报最后一日",
    "declared_on": "实际申报日期",
    "days_late": "逾期天数",
}
_REGISTRATION_KINDS = {"initial": "居住登记", "change": "变更登记"}


def _fact_row(key: str, value: object) -> tuple[str, str]:
    text = str(value)
    if key == "registration_kind":
        text = _REGISTRATION_KINDS.get(text, text)
    elif isinstance(value, str) and len(value) == 10 and value[4] == "-":
        with contextlib.suppress(ValueError):
            text = _d(date.fromisoformat(value))
    return _FACT_LABELS.get(key, key), text


def decision_pdf(case: Case) -> bytes:
    """The enforcement paper of a case at its current step: warning, order to correct, or fine decision.

    The fine range printed is the one the policy sets for the offender (T-inclusive), so the paper
    and the check that accepted the amount cannot disagree.
    """
    st = _styles()
    policy = jurisdiction()
    authority = policy.issuing_authority_zh
    offender = Offender(case.offender)
    if offender is Offender.PERSON and case.person is not None:
        party = [("当事人", case.person.name), ("公民身份号码", identity_mask(case.person.identity_number))]
    elif case.employer is not None:
        party = [("当事单位", case.employer.name), ("统一社会信用代码", case.employer.credit_code)]
    else:  # the database constraint makes this unreachable; print what there is
        party = [("当事人", "—")]
    duty = _duty_text(policy).get(case.duty_rule, case.duty_rule)
    rng = fine_range(offender, policy)
    rows: list[tuple[str, str]] = [
        *party,
        ("违反事项", f"{duty}（{case.duty_rule}）"),
        ("处理依据", case.rule),
        ("警告日期", _d(case.warned_on)),
    ]
    if case.description:
        rows.append(("事实", case.description))
    for key, value in (case.facts or {}).items():
        rows.append(_fact_row(str(key), value))
    if case.ordered_on is not None:
        rows.append(("责令改正日期", _d(case.ordered_on)))
        rows.append(("改正期限", f"{_d(case.deadline)}前改正（期限最后一日为休息日的顺延）"))
    if case.corrected_on is not None:
        rows.append(("改正日期", _d(case.corrected_on)))
    if case.fined_on is not None and case.fine_amount is not None:
        rows.append(("处罚日期", _d(case.fined_on)))
        rows.append(
            (
                "罚款金额",
                f"¥{_yuan(case.fine_amount)}元（人民币{yuan_in_capitals(case.fine_amount)}；"
                f"法定幅度{_yuan(rng.low)}元以上{_yuan(rng.high)}元以下）",
            )
        )
    story: list[Flowable] = _header(
        st, authority, _DECISION_TITLES.get(case.status, "决定书"), f"案件编号：{case.number}"
    )
    story.append(_facts(rows, st))
    story.append(Spacer(1, 5 * mm))
    status = CaseStatus(case.status)
    if status is CaseStatus.WARNED:
        text = f"你（单位）{duty}，依据{case.rule}，予以警告。请立即改正。"
    elif status is CaseStatus.ORDERED:
        text = (
            f"你（单位）{duty}，已予警告。依据{case.rule}，责令于{_d(case.deadline)}前改正；"
            f"逾期不改正的，处{_yuan(rng.low)}元以上{_yuan(rng.high)}元以下罚款。"
        )
    elif status is CaseStatus.CORRECTED:
        text = f"你（单位）已于{_d(case.corrected_on)}改正，本案结案。"
    else:
        text = (
            f"你（单位）{duty}，经警告并责令限期改正，逾期仍未改正。依据{case.rule}，"
            f"决定处以罚款{_yuan(case.fine_amount or Decimal(0))}元。"
        )
    story.append(_p(text, st["body"]))
    story.append(Spacer(1, 3 * mm))
    story.append(_rules_line([case.rule, case.duty_rule, "T-inclusive"], st, "zh-hans"))
    last = case.fined_on or case.corrected_on or case.ordered_on or case.warned_on
    story += _footer(st, authority, last, "zh-hans")
    return _build(story, case.number, authority)


# --------------------------------------------------------------------------- the permit card


def _qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code as vector squares (segno's matrix; no image library, no outside asset)."""
    import segno

    qr = segno.make(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    border = 2
    cell = size / (n + 2 * border)
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    for r, row in enumerate(matrix):
        for col, bit in enumerate(row):
            if bit:
                c.rect(
                    x + (col + border) * cell,
                    y + size - (r + 1 + border) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


def _public_base_url() -> str:
    return str(getattr(settings, "JUZHU_PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000")


_NO_LINE_START = "，。、；：？！）》」』”’,.;:?!)"


def card_verify_url(permit: Permit, base_url: str = "") -> str:
    """The address the card's QR carries: the public verification page with a freshly signed token."""
    return (base_url or _public_base_url()).rstrip("/") + VERIFY_PATH + permit_token(permit)


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Break a line of Chinese (or mixed) text to a width, character by character."""
    lines: list[str] = []
    cur = ""
    for ch in text:
        # Kinsoku: closing punctuation never starts a line; it hangs at the end of the previous one.
        if pdfmetrics.stringWidth(cur + ch, font, size) > width and cur and ch not in _NO_LINE_START:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def _card_photo(permit: Permit) -> ImageReader | None:
    """The newest photo (JPEG or PNG) uploaded with one of the holder's applications, if readable."""
    upload = (
        ApplicationDocument.objects.filter(
            application__person_id=permit.person_id,
            doc=Doc.PHOTO,
            content_type__in=["image/jpeg", "image/png"],
        )
        .order_by("-id")
        .first()
    )
    if upload is None:
        return None
    try:
        return ImageReader(str(upload_path(upload)))
    except (OSError, PolicyError):  # a missing or unreadable file: print the box instead
        return None


def card_pdf(permit: Permit, *, base_url: str = "") -> bytes:
    """The permit card, front and back (N-4-card-fields), with the signed e-permit QR (LH-4-inspection).

    ``base_url`` is the server's public address the QR carries (``/v/<token>``); the print view
    passes the request's, other callers get ``settings.JUZHU_PUBLIC_BASE_URL``.
    """
    font = _font()
    buf = io.BytesIO()
    w, h = CARD_SIZE
    c = Canvas(buf, pagesize=CARD_SIZE)
    c.setTitle(f"居住证 {permit.number}")
    c.setAuthor(permit.authority)
    c.setCreator("Juzhu")
    # Front: the fields the regulation lists, and the photo.
    c.setFillColor(colors.HexColor("#123f7a"))
    c.rect(0, h - 9 * mm, w, 9 * mm, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont(font, 10)
    c.drawCentredString(w / 2, h - 6.2 * mm, f"{jurisdiction().name_zh}居住证")
    c.setFillColor(colors.black)
    sex = dict(Person.Sex.choices).get(permit.card_sex, permit.card_sex)
    b = permit.card_birth_date
    size = 6.3
    left = 4 * mm
    text_w = w - left - 26 * mm
    y = h - 13.5 * mm
    for label, value in (
        ("姓名", permit.card_name),
        ("性别", f"{sex}    民族  {permit.card_ethnicity}"),
        ("出生", f"{b.year}年{b.month}月{b.day}日"),
        ("户籍地址", permit.card_hukou_address),
        ("居住地址", permit.residence_address),
    ):
        c.setFont(font, size)
        c.setFillColor(colors.HexColor("#4a5568"))
        c.drawString(left, y, label)
        c.setFillColor(colors.black)
        for i, line in enumerate(_wrap(value, text_w - 11 * mm, font, size + 0.7)):
            c.setFont(font, size + 0.7)
            c.drawString(left + 11 * mm, y - i * 3 * mm, line)
            if i:
                y -= 3 * mm
        y -= 4.2 * mm
    c.setFont(font, size)
    c.setFillColor(colors.HexColor("#4a5568"))
    c.drawString(left, 5 * mm, "公民身份号码")
    c.setFillColor(colors.black)
    c.setFont(font, 8.5)
    c.drawString(left + 15 * mm, 5 * mm, permit.card_identity_number)
    # 本人相片: the photo the applicant uploaded with the application, else a box the card printer fills.
    px, py, pw, ph = w - 24 * mm, 12 * mm, 20 * mm, 26 * mm
    photo = _card_photo(permit)
    if photo is not None:
        c.drawImage(photo, px, py, pw, ph, preserveAspectRatio=True, anchor="c")
    else:
        c.setStrokeColor(colors.grey)
        c.setDash(2, 2)
        c.rect(px, py, pw, ph, stroke=1, fill=0)
        c.setDash()
        c.setFont(font, 7)
        c.setFillColor(colors.grey)
        c.drawCentredString(px + pw / 2, py + ph / 2 + 1 * mm, "本人相片")
        c.setFont(font, 5)
        c.drawCentredString(
            px + pw / 2, py + ph / 2 - 2.5 * mm, permit.card_photo_ref[:24] or "N-4-card-fields"
        )
    c.setFillColor(colors.black)
    c.showPage()
    # Back: authority, issue date, number, the signed QR, and how the card stays in force.
    c.setFont(font, 8)
    c.drawString(left, h - 8 * mm, f"签发机关  {permit.authority}")
    issued = permit.issue_date
    c.drawString(left, h - 13 * mm, f"签发日期  {issued.year}年{issued.month}月{issued.day}日")
    c.drawString(left, h - 18 * mm, f"证件编号  {permit.number}")
    c.setFont(font, 5.6)
    note = "本证不设有效期，每年在签发日期周年前30日内签注；逾期未签注的，证件功能中止。扫描二维码核验真伪与状态。"
    for i, line in enumerate(_wrap(note, w - 36 * mm, font, 5.6)):
        c.drawString(left, h - 24 * mm - i * 2.8 * mm, line)
    c.setFont(font, 4.8)
    c.setFillColor(colors.HexColor("#4a5568"))
    c.drawString(left, 6.5 * mm, "依据 N-4-card-fields · N-8-authority")
    c.drawString(left, 3.8 * mm, "LH-3.2-endorse-window · LH-4-inspection")
    c.setFillColor(colors.black)
    _qr(c, card_verify_url(permit, base_url), w - 31 * mm, 3 * mm, 28 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
