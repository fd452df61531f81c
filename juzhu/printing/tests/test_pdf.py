"""The printed documents, read back: the Chinese text is really there and the font is embedded.

Each PDF is parsed with pypdf and its extracted text is checked for the holder's name, the
document's number, the amounts and the rule ids — not only that some bytes were written.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.contrib.auth.models import User

from juzhu.enforcement.tests.factories import CREDIT_CODE, employer_case_ordered, person_case_ordered
from juzhu.enforcement.tests.factories import fine as case_fine
from juzhu.epermit.services import token_check
from juzhu.policy.fees import Fee, fee_for
from juzhu.policy.materials import CaseKind
from juzhu.policy.parameters import LINHE, JurisdictionPolicy
from juzhu.printing.pdf import (
    card_pdf,
    card_verify_url,
    decision_pdf,
    fee_kinds_zh,
    notice_pdf,
    receipt_pdf,
    yuan_in_capitals,
)
from juzhu.registry import services
from juzhu.registry.models import FeeReceipt
from juzhu.registry.tests.factories import identity_number, issued_permit, new_card, registered, today_is

pytestmark = pytest.mark.django_db

WANG = identity_number(date(1990, 5, 17))


def text_of(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [p.extract_text() for p in reader.pages]


def embedded_font_files(pdf: bytes) -> list[str]:
    """BaseFont names of every font on every page that carries its own TrueType program (FontFile2)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: list[str] = []
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                found.append(str(font["/BaseFont"]))
    return found


def no_cid_font(pdf: bytes) -> bool:
    return b"STSong" not in pdf


def _notified(clerk: User) -> object:
    registered(clerk, number=WANG, registered_on=date(2025, 9, 1))
    with today_is(date(2026, 3, 2)):
        app = services.application_submit(
            actor=clerk,
            kind=CaseKind.FIRST_ISSUE,
            identity_number=WANG,
            police_station="150802001",
            documents=["identity_card"],
        )
        return services.application_notify(actor=clerk, application_id=app.pk)


def test_the_notice_lists_every_missing_item_in_chinese_with_its_rule(clerk: User) -> None:
    notice = _notified(clerk)
    pdf = notice_pdf(notice)
    (page,) = text_of(pdf)
    assert "一次性告知书" in page
    assert notice.number in page and notice.application.number in page
    assert "王小明" in page
    assert "510121********1238" in page  # masked: the notice is carried around
    assert "本人近期相片" in page  # item: photo (N-9-materials)
    assert "劳动合同" in page and "房屋租赁合同" in page  # item: any one condition's evidence
    assert "LH-3.2-one-time-notice" in page and "LH-3.1-condition" in page and "N-9-materials" in page
    assert "巴彦淖尔市公安局临河区分局" in page
    assert "2026年3月2日" in page
    assert embedded_font_files(pdf) and no_cid_font(pdf)


def test_the_notice_in_english(clerk: User) -> None:
    notice = _notified(clerk)
    (page,) = text_of(notice_pdf(notice, "en"))
    assert "One-time notice" in page
    assert "a recent photo of the applicant" in page
    assert "Linhe District Public Security Bureau" in page


def test_the_card_carries_the_n4_fields_and_a_qr_that_verifies(clerk: User, supervisor: User) -> None:
    permit = issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 8, 1), issued_on=date(2026, 3, 2)
    )
    pdf = card_pdf(permit, base_url="http://hall.example")
    front, back = text_of(pdf)
    assert "居住证" in front and "王小明" in front
    assert "男" in front and "汉族" in front and "1990年5月17日" in front
    assert WANG in front  # the card prints the full number (N-4-card-fields)
    assert "四川省金堂县赵镇某街1号" in front and "临河区新华街1号" in front
    assert "本人相片" in front
    assert "巴彦淖尔市公安局临河区分局" in back and "2026年3月2日" in back and permit.number in back
    assert "N-4-card-fields" in back
    assert embedded_font_files(pdf) and no_cid_font(pdf)


def test_the_cards_qr_carries_a_signed_token_for_this_card(clerk: User, supervisor: User) -> None:
    permit = issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 8, 1), issued_on=date(2026, 3, 2)
    )
    url = card_verify_url(permit, "http://hall.example/")
    assert url.startswith("http://hall.example/v/JZ1.")
    check = token_check(url.removeprefix("http://hall.example/v/"), date(2026, 3, 3))
    assert check.claims.number == permit.number
    assert check.status is not None and check.status.value == "valid"


def test_the_receipt_shows_the_amount_in_figures_and_capitals(clerk: User, supervisor: User) -> None:
    permit = issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 8, 1), issued_on=date(2026, 3, 2)
    )
    new_card(clerk, permit, CaseKind.REISSUE, date(2026, 4, 7), fee=Decimal("20"))
    receipt = FeeReceipt.objects.get()
    pdf = receipt_pdf(receipt)
    (page,) = text_of(pdf)
    assert "工本费" in page and receipt.number in page and "王小明" in page
    assert "¥20.00元" in page and "人民币贰拾元整" in page
    assert "补领" in page and "2026年4月7日" in page
    assert "LH-3.2-fees" in page and "N-21-fees" in page
    assert embedded_font_files(pdf) and no_cid_font(pdf)


def _reissued_receipt(clerk: User, supervisor: User) -> FeeReceipt:
    permit = issued_permit(
        clerk, supervisor, number=WANG, registered_on=date(2025, 8, 1), issued_on=date(2026, 3, 2)
    )
    new_card(clerk, permit, CaseKind.REISSUE, date(2026, 4, 7), fee=Decimal("20"))
    return FeeReceipt.objects.get()


def test_the_receipt_names_the_kinds_that_pay_as_the_fee_rule_decides(
    clerk: User, supervisor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = _reissued_receipt(clerk, supervisor)
    (page,) = text_of(receipt_pdf(receipt))
    assert "每证20.00元（换领、补领收取；首次申领、签注、变更登记不收费）" in "".join(page.split())
    assert fee_kinds_zh(LINHE) == "换领、补领收取；首次申领、签注、变更登记不收费"

    def endorsement_charged(kind: CaseKind, policy: JurisdictionPolicy = LINHE) -> Fee:
        fee = fee_for(kind, policy)
        return Fee(kind, policy.card_fee_yuan, fee.rule) if kind is CaseKind.ENDORSEMENT else fee

    # The sentence follows fee_for, not a copy of it: were endorsement charged, the receipt would say so.
    monkeypatch.setattr("juzhu.printing.pdf.fee_for", endorsement_charged)
    monkeypatch.setattr("juzhu.registry.selectors.LINHE", replace(LINHE, card_fee_yuan=Decimal("15.50")))
    (page,) = text_of(receipt_pdf(receipt))
    assert "每证15.50元（换领、补领、签注收取；首次申领、变更登记不收费）" in "".join(page.split())


def test_the_duties_on_the_decision_follow_the_policy(clerk: User, monkeypatch: pytest.MonkeyPatch) -> None:
    case = person_case_ordered(clerk, deadline=date(2026, 10, 15))
    assert "未在到达后3日内申报居住登记" in "".join(text_of(decision_pdf(case))[0].split())
    monkeypatch.setattr("juzhu.registry.selectors.LINHE", replace(LINHE, register_declare_days=5))
    assert "未在到达后5日内申报居住登记" in "".join(text_of(decision_pdf(case))[0].split())
    employer_case = employer_case_ordered(clerk)
    monkeypatch.setattr("juzhu.registry.selectors.LINHE", replace(LINHE, employer_report_workdays=3))
    page = "".join(text_of(decision_pdf(employer_case))[0].split())
    assert "未在签订或终止劳动关系后3个工作日内向所在地派出所报告" in page


def test_the_decision_of_a_fined_case(clerk: User, supervisor: User) -> None:
    case = person_case_ordered(clerk, deadline=date(2026, 10, 15))
    ordered_pdf = decision_pdf(case)
    (page,) = text_of(ordered_pdf)
    assert "责令限期改正通知书" in page and case.number in page and "王小明" in page
    assert "2026年10月15日" in page and "LH-4-register-penalty" in page and "LH-4-register-3d" in page
    assert "50.00元以上200.00元以下" in page
    fined = case_fine(supervisor, case, "200", date(2026, 10, 16))
    pdf = decision_pdf(fined)
    (page,) = text_of(pdf)
    assert "罚款" in page and "¥200.00元" in page and "人民币贰佰元整" in page
    assert "2026年10月16日" in page
    assert "逾期天数" in page and "2026年10月8日" in page  # the facts: due day, declared a day late
    assert embedded_font_files(pdf) and no_cid_font(pdf)


def test_the_order_to_an_employer_names_it_and_its_range(clerk: User) -> None:
    case = employer_case_ordered(clerk)
    (page,) = text_of(decision_pdf(case))
    assert "临河区河套建筑有限公司" in page and CREDIT_CODE in page
    assert "LH-4-employer-penalty" in page and "LH-4-employer-report-5wd" in page
    assert "500.00元以上1000.00元以下" in "".join(page.split())  # may wrap across lines


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("20", "贰拾元整"),
        ("0", "零元整"),
        ("200", "贰佰元整"),
        ("1000", "壹仟元整"),
        ("105", "壹佰零伍元整"),
        ("20.50", "贰拾元伍角"),
        ("20.05", "贰拾元零伍分"),
        ("10010", "壹万零壹拾元整"),
    ],
)
def test_amounts_in_capitals(amount: str, words: str) -> None:
    assert yuan_in_capitals(Decimal(amount)) == words


def test_the_card_prints_the_photo_uploaded_online_and_the_box_without_one(
    clerk: User, supervisor: User
) -> None:
    import segno

    from juzhu.policy.proof import Proof, Purpose
    from juzhu.registry import clock
    from juzhu.registry.online import Upload, applicant_match, application_submit_online

    docs = ("identity_card", "photo", "labour_contract")
    registered(clerk, number=WANG, registered_on=date(2025, 8, 1))
    png = io.BytesIO()
    segno.make("photo").save(png, kind="png", scale=5)
    with today_is(date(2026, 3, 2)):
        person = applicant_match(WANG, "王小明")  # and the code given back (juzhu.applicants)
        proof = Proof(person.pk, Purpose.APPLY, person.pk, clock.now())
        app = application_submit_online(
            proof=proof, kind=CaseKind.FIRST_ISSUE, police_station="150802001",
            uploads=[Upload(doc=d, name=f"{d}.png", data=png.getvalue()) for d in docs],
        )  # fmt: skip
        services.application_accept(actor=clerk, application_id=app.pk)
        services.application_approve(actor=supervisor, application_id=app.pk)
        permit = services.application_issue(actor=clerk, application_id=app.pk)
    with_photo = card_pdf(permit, base_url="http://hall.example")
    assert "本人相片" not in text_of(with_photo)[0]
    front = pypdf.PdfReader(io.BytesIO(with_photo)).pages[0]
    assert len(front.images) == 1

    other = issued_permit(
        clerk, supervisor, number=identity_number(date(1991, 1, 1), 321), registered_on=date(2025, 8, 1),
        issued_on=date(2026, 3, 2),
    )  # fmt: skip
    assert "本人相片" in text_of(card_pdf(other, base_url="http://hall.example"))[0]
