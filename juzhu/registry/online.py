"""The online channel (网上预申请): an applicant submits, follows and supplements a case without a login.

Same rules as the counter (``juzhu.registry.services``): one open application per person, a
first issue only without a live card, a replacement or reissue only with one, proxies under
LH-3.2-proxy.  What differs is who acts — nobody signed in, so every audit event has actor
``None`` — and how an applicant proves the case is theirs.  A pair of numbers only *finds* the
person or the case (``applicant_match``, ``application_for_applicant``: one neutral "not found"
when either half is wrong); every write and personal read needs a ``Proof``, a one-time code sent
to the mobile number on record and given back (``juzhu.applicants``, docs/decisions/0010), checked
here again for its purpose, its target and its age.  Nothing is written before the code: an
unverified pre-application does not exist, so it can never block the person's counter application.
Uploaded files are checked by their first bytes (never the name), kept under
``settings.JUZHU_UPLOAD_ROOT`` (outside the web root) named by SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from juzhu.audit.services import audit_record
from juzhu.policy.errors import InvalidInput, NotFound, PolicyError, TransitionNotAllowed
from juzhu.policy.identity import identity_parse
from juzhu.policy.lifecycle import AppAction, AppStatus, application_next
from juzhu.policy.materials import (
    REISSUE_REASONS,
    CaseKind,
    Doc,
    Requirement,
    checklist,
    doc_label,
    docs_parse,
)
from juzhu.policy.proof import Proof, Purpose, proof_require
from juzhu.policy.reminders import contact_mask
from juzhu.registry import clock
from juzhu.registry.models import Application, ApplicationDocument, Notice, Person
from juzhu.registry.selectors import jurisdiction, person_get_by_identity
from juzhu.registry.services import (
    _proxy_fields,
    _station,
    application_admissible,
    notice_requirements,
    number_next,
    standing_require,
)

ONLINE_KINDS = (CaseKind.FIRST_ISSUE, CaseKind.REPLACEMENT, CaseKind.REISSUE)

# Accepted file types, recognised by their leading bytes (magic numbers), never by the file name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,18}$")


@dataclass(frozen=True)
class Upload:
    """One file for one material: ``field`` is the form field it came from (named in a refusal)."""

    doc: str
    name: str
    data: bytes
    field: str = "documents"


# --------------------------------------------------------------------------- checks


def upload_content_type(data: bytes) -> str | None:
    """JPEG, PNG or PDF by magic bytes; None for anything else (a .txt renamed .png included)."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def _upload_check(upload: Upload, allowed: frozenset[Doc], rule: str) -> tuple[Doc, str]:
    """The upload's material and content type; InvalidInput naming the form field otherwise."""
    try:
        (doc,) = docs_parse([upload.doc])
    except PolicyError as exc:
        exc.fields = (upload.field,)
        raise
    if doc not in allowed:
        raise InvalidInput(
            rule=rule,
            code="upload-not-asked",
            zh=f"“{doc_label(doc)}”不在本次需提交的材料之列。",
            en=f"'{doc_label(doc, 'en')}' is not one of the materials asked for here.",
            fields=(upload.field,),
        )
    limit = settings.JUZHU_UPLOAD_MAX_BYTES
    if len(upload.data) > limit:
        raise InvalidInput(
            rule="N-9-materials",
            code="upload-too-large",
            zh=f"“{doc_label(doc)}”的文件超过{limit // (1024 * 1024)}MB，请压缩后重新上传。",
            en=f"The file for '{doc_label(doc, 'en')}' is larger than {limit // (1024 * 1024)} MB.",
            fields=(upload.field,),
            extra={"max_bytes": limit},
        )
    content_type = upload_content_type(upload.data)
    if content_type is None:
        raise InvalidInput(
            rule="N-9-materials",
            code="upload-type",
            zh=f"“{doc_label(doc)}”的文件不是JPEG、PNG图片或PDF文件（按文件内容判断，与文件名无关）。",
            en=f"The file for '{doc_label(doc, 'en')}' is not a JPEG or PNG image or a PDF "
            "(judged by its content, not its name).",
            fields=(upload.field,),
        )
    return doc, content_type


def _uploads_check(
    uploads: Sequence[Upload], allowed: frozenset[Doc], rule: str
) -> list[tuple[Upload, Doc, str]]:
    checked = [(u, *_upload_check(u, allowed, rule)) for u in uploads]
    seen: set[Doc] = set()
    for u, doc, _ in checked:
        if doc in seen:
            raise InvalidInput(
                rule="N-9-materials",
                code="upload-duplicate",
                zh=f"“{doc_label(doc)}”上传了两次。",
                en=f"'{doc_label(doc, 'en')}' was uploaded twice.",
                fields=(u.field,),
            )
        seen.add(doc)
    return checked


def _allowed(requirements: Iterable[Requirement]) -> frozenset[Doc]:
    return frozenset().union(*(r.any_of for r in requirements))


def _contact(phone: str, email: str) -> tuple[str, str]:
    phone, email = phone.strip(), email.strip()
    if phone and not _PHONE.match(phone):
        raise InvalidInput(
            rule="LH-3.2-one-time-notice",
            code="phone-format",
            zh="联系电话格式不正确。",
            en="The phone number is not valid.",
            fields=("phone",),
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                rule="LH-3.2-one-time-notice",
                code="email-format",
                zh="电子邮箱格式不正确。",
                en="The e-mail address is not valid.",
                fields=("email",),
            ) from None
    return phone, email[:254]


# --------------------------------------------------------------------------- storage


def _store(data: bytes) -> tuple[str, str]:
    """Write the file once under its SHA-256 (same content, same file); returns (sha256, storage name).

    Written before the rows commit: a row never names a missing file, and a file left by a
    rolled-back request is only an unreferenced copy of bytes the applicant sent.
    """
    sha = hashlib.sha256(data).hexdigest()
    rel = f"{sha[:2]}/{sha}"
    path = Path(settings.JUZHU_UPLOAD_ROOT) / rel
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{sha}.{secrets.token_hex(4)}.part")
        tmp.write_bytes(data)
        os.chmod(tmp, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
        os.replace(tmp, path)
    return sha, rel


# A file younger than this may belong to a request still in flight (written, not yet committed).
ORPHAN_MIN_AGE = timedelta(days=1)


def uploads_orphans_remove(*, now: float | None = None, min_age: timedelta = ORPHAN_MIN_AGE) -> int:
    """Delete stored files that no upload row names and that are older than ``min_age``.

    Left by requests that wrote their files and then rolled back (``_store``).  The store is
    walked one two-character folder at a time, so memory stays bounded by one folder's names.
    """
    root = Path(settings.JUZHU_UPLOAD_ROOT)
    if not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - min_age.total_seconds()
    removed = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        named = set(
            ApplicationDocument.objects.filter(storage_name__startswith=f"{folder.name}/").values_list(
                "storage_name", flat=True
            )
        )
        for path in folder.iterdir():
            if path.is_file() and f"{folder.name}/{path.name}" not in named and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def upload_path(upload: ApplicationDocument) -> Path:
    """Where an upload's bytes are (the storage name is ours, never the applicant's file name)."""
    root = Path(settings.JUZHU_UPLOAD_ROOT).resolve()
    path = (root / upload.storage_name).resolve()
    if root not in path.parents:
        raise NotFound(
            rule="N-17-confidentiality", code="not-found", zh="未找到该文件。", en="File not found."
        )
    return path


def _save_uploads(app: Application, checked: Sequence[tuple[Upload, Doc, str]]) -> list[ApplicationDocument]:
    rows = []
    for u, doc, content_type in checked:
        sha, rel = _store(u.data)
        rows.append(
            ApplicationDocument.objects.create(
                application=app,
                doc=doc.value,
                original_name=os.path.basename(u.name)[:200] or doc.value,
                content_type=content_type,
                size=len(u.data),
                sha256=sha,
                storage_name=rel,
                uploaded_by=None,
            )
        )
    return rows


def _uploads_audit(rows: Iterable[ApplicationDocument]) -> list[dict[str, object]]:
    return [{"doc": r.doc, "sha256": r.sha256, "size": r.size} for r in rows]


# --------------------------------------------------------------------------- reads


def _neutral_not_found() -> NotFound:
    return NotFound(
        rule="N-17-confidentiality",
        code="application-not-found",
        zh="未找到与该申请编号和身份证号码相符的申请，请核对后重试。",
        en="No application matches this application number and identity number; please check both.",
        fields=("number", "identity_number"),
    )


def application_for_applicant(number: str, identity_number: str) -> Application:
    """The application whose number *and* applicant's identity number match; one neutral NotFound else."""
    try:
        identity = identity_parse(identity_number, clock.today()).number
    except PolicyError:
        raise _neutral_not_found() from None
    app = (
        Application.objects.select_related("person", "police_station", "permit")
        .filter(number=number.strip().upper(), person__identity_number=identity)
        .first()
    )
    if app is None:
        raise _neutral_not_found()
    return app


def online_checklist(kind: CaseKind, *, proxy: bool) -> tuple[Requirement, ...]:
    """The materials an online application of this kind uploads (the counter's checklist)."""
    if kind not in ONLINE_KINDS:
        raise _kind_invalid()
    return checklist(kind, proxy=proxy)


def _kind_invalid() -> InvalidInput:
    return InvalidInput(
        rule="LH-3.2-replace",
        code="application-kind",
        zh="申请类型须为首次申领、换领或补领。",
        en="The application kind must be first issue, replacement or reissue.",
        fields=("kind",),
    )


# --------------------------------------------------------------------------- writes


def applicant_match(identity_number: str, name: str) -> Person:
    """The registered person with this identity number *and* name; a mismatch reveals nothing.

    Only finds whom to send the code to: nothing is read or written for them before the code.
    """
    refusal = NotFound(
        rule="LH-3.1-registered-6m",
        code="applicant-not-matched",
        zh="没有与该身份证号码和姓名相符的居住登记记录。请核对，或先到派出所办理居住登记。",
        en="No residence registration matches this identity number and name. Please check them, "
        "or register your residence at a police station first.",
        fields=("identity_number", "name"),
    )
    try:
        person = person_get_by_identity(identity_number, rule="LH-3.1-registered-6m")
    except NotFound:
        raise refusal from None
    if "".join(name.split()) != "".join(person.name.split()):
        raise refusal
    return person


def application_for_proof(proof: Proof, purpose: Purpose = Purpose.PROGRESS) -> Application:
    """The application a current proof opens (progress, its files, its notice, the supplement)."""
    proof_require(proof, purpose, clock.now())
    app = (
        Application.objects.select_related("person", "police_station", "permit")
        .filter(pk=proof.target_id, person_id=proof.person_id)
        .first()
    )
    if app is None:
        raise _neutral_not_found()
    return app


def _verified(proof: Proof) -> str:
    """How the online applicant was identified, for the audit trail (the code's row, never the code)."""
    return f"sms-code:{proof.code_id}" if proof.code_id is not None else "sms-code"


@transaction.atomic
def application_submit_online(
    *,
    proof: Proof,
    kind: CaseKind | str,
    police_station: str,
    uploads: Sequence[Upload],
    proxy: dict[str, str] | None = None,
    reissue_reason: str = "",
    phone: str = "",
    email: str = "",
) -> Application:
    """网上预申请: the counter's application, received online with the uploaded materials.

    Only with a current proof for APPLY (a one-time code to the person's mobile on record): whoever
    merely knows a name and an identity number can neither file a case in the person's name nor
    block the person's own application at the counter.  Contact details typed here are kept on the
    application only, never on the person (N-17-confidentiality); the audit trail shows them masked.
    """
    proof_require(proof, Purpose.APPLY, clock.now())
    policy = jurisdiction()
    today = clock.today()
    try:
        kind = CaseKind(kind)
    except ValueError:
        raise _kind_invalid() from None
    requirements = online_checklist(kind, proxy=bool(proxy))
    if kind is CaseKind.REISSUE and reissue_reason not in REISSUE_REASONS:
        raise InvalidInput(
            rule="LH-3.2-replace",
            code="reissue-reason",
            zh="补领须说明原因：证件损坏、难以辨认或丢失。",
            en="A reissue needs its reason: the card is damaged, illegible or lost.",
            fields=("reissue_reason",),
        )
    phone, email = _contact(phone, email)
    person = Person.objects.select_for_update().get(pk=proof.person_id)
    station = _station(police_station)
    if station.division_code != policy.division_code:
        raise InvalidInput(
            rule="N-8-authority",
            code="station-outside-jurisdiction",
            zh=f"“{station.name}”不属于{policy.name_zh}，不能在此受理。",
            en=f"'{station.name}' is not in {policy.name_en}.",
            fields=("police_station",),
        )
    proxy_fields = _proxy_fields(person, proxy, today)
    live = application_admissible(person, kind, applicant=True)
    if kind is CaseKind.FIRST_ISSUE:
        # Decision: an online pre-application that the rules would refuse at acceptance is refused
        # at once, with every unmet condition no document can cure and, for a registration too
        # recent, the date from which to apply (LH-3.1-hukou, LH-3.1-registered-6m), judged on the
        # day of submission as acceptance judges them.  Nothing is written and no file is stored.
        # The counter (``services.application_submit``) keeps receiving any application, as before.
        standing_require(person, today, policy)
    checked = _uploads_check(uploads, _allowed(requirements), "N-9-materials")
    year = today.year
    app = Application.objects.create(
        number=f"SQ{year}{number_next('application', year):07d}",
        kind=kind,
        channel=Application.Channel.ONLINE,
        person=person,
        police_station=station,
        documents=sorted({doc.value for _, doc, _ in checked}),
        reissue_reason=reissue_reason if kind is CaseKind.REISSUE else "",
        old_permit=live if kind is not CaseKind.FIRST_ISSUE else None,
        submitted_on=today,
        contact_phone=phone,
        contact_email=email,
        **proxy_fields,
    )
    rows = _save_uploads(app, checked)
    audit_record(
        actor=None,
        code="application.received",
        subject=app,
        person_id=person.pk,
        new={
            "kind": kind.value,
            "channel": app.channel,
            "documents": app.documents,
            "proxy_relation": app.proxy_relation,
            "uploads": _uploads_audit(rows),
            "verified": _verified(proof),
            # Masked: the audit trail records that a contact was given, not a reusable copy of it.
            **{k: contact_mask(v) for k, v in {"contact_phone": phone, "contact_email": email}.items() if v},
        },
    )
    return app


@transaction.atomic
def application_supplement_online(*, proof: Proof, uploads: Sequence[Upload]) -> Application:
    """补正 online: only while the one-time notice is open, only the notice's own items, with a proof."""
    found = application_for_proof(proof)
    app = Application.objects.select_for_update().get(pk=found.pk)
    application_next(AppStatus(app.status), AppAction.SUPPLEMENT)
    notice = Notice.objects.filter(application=app).first()
    if notice is None:  # NOTIFIED always has its notice; refuse rather than guess
        raise TransitionNotAllowed(
            rule="LH-3.2-one-time-notice",
            code="no-notice",
            zh="该申请没有一次性告知书。",
            en="This application has no one-time notice.",
        )
    if not uploads:
        raise InvalidInput(
            rule="LH-3.2-one-time-notice",
            code="no-upload",
            zh="请至少上传一项告知书所列的材料。",
            en="Upload at least one of the materials the notice lists.",
            fields=("documents",),
        )
    checked = _uploads_check(uploads, _allowed(notice_requirements(notice)), "LH-3.2-one-time-notice")
    old = list(app.documents)
    app.documents = sorted(set(old) | {doc.value for _, doc, _ in checked})
    app.save(update_fields=["documents"])
    rows = _save_uploads(app, checked)
    audit_record(
        actor=None,
        code="application.supplemented",
        subject=app,
        person_id=app.person_id,
        rule="LH-3.2-one-time-notice",
        old={"documents": old},
        new={
            "documents": app.documents,
            "channel": Application.Channel.ONLINE,
            "uploads": _uploads_audit(rows),
            "verified": _verified(proof),
        },
    )
    return app
