"""The library of country experiences: the committed studies, submissions and imports, coded.

Three origins share one table. `library` studies are data/cases/case_studies.csv as build-data
wrote it: `sync_library` (which open_store calls) brings them and their coding into the store
when the committed library's digest differs from the one stored in store_meta, in one
transaction under a lock, so processes opening the store together sync it once. They change
only through build-data: the dashboard cannot edit or delete them. `submitted` studies come
from participants, anonymously (the store keeps the sha256 of their session's token), pending
until an editor publishes or rejects them; `imported` ones from an editor's file, published.

Every write but a submission names its editor; every write, a submission too (editor
"anonymous"), adds its audit_log row ("case:<case_id>", "cases:import" or "library") in its own
transaction, and `version()` is the newest such row: a reader cached by it sees every change.
Submission limits are counted inside the submitting transaction, after taking the submission
lock (an advisory lock on PostgreSQL; SQLite writers hold the write lock from BEGIN IMMEDIATE).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, or_, select, text
from sqlalchemy.orm import Session

from readiness.experiences.coding import CODING_COLUMNS
from readiness.experiences.questionnaire import Submission
from readiness.experiences.studies import STUDY_COLUMNS
from readiness.experiences.vocabulary import FACTORS, ROLES, SECTORS, SIDES, STAGES, STATUSES
from readiness.store.base import Sessions, add_audit, as_iso, check_editor, session_hash
from readiness.store.errors import StoreError
from readiness.store.schema import (
    AuditRow,
    CaseFactorRow,
    CaseStudyRow,
    StoreMetaRow,
    WorkshopRow,
    utc_now,
)

LIBRARY_EDITOR = "build-data"
ANONYMOUS = "anonymous"
DIGEST_KEY = "library_digest"
SEQUENCE_KEY = "submission_seq"
# pg_advisory_xact_lock keys: syncing the library, numbering and limiting submissions.
LIBRARY_LOCK_KEY = 7_166_437_023
SUBMIT_LOCK_KEY = 7_166_437_024
MAX_PER_SESSION_HOUR = 5
MAX_PER_WORKSHOP = 200
MAX_PENDING = 1000
MAX_FIELD = 4000  # characters of any field, a last defence behind the questionnaire's limits
EDITOR_RULE = "set by editor"
FIXED = ("case_id", "origin", "status", "submitted_at", "workshop")
EDITABLE = tuple(c for c in STUDY_COLUMNS if c not in FIXED)
EXTRA_COLUMNS = ("role", "language", "published_at", "published_by")
LIBRARY_ONLY = "library studies change through build-data, not in the dashboard"
ISO3 = re.compile(r"^[A-Z]{3}$")


def library_digest(studies: pd.DataFrame, coding: pd.DataFrame) -> str:
    """sha256 of the studies and their coding, rows and columns in a fixed order."""
    rows = {
        "studies": studies[list(STUDY_COLUMNS)].astype(str).sort_values("case_id").values.tolist(),
        "coding": sorted(coding[list(CODING_COLUMNS)].astype(str).values.tolist()),
    }
    canonical = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@functools.cache
def committed_digest() -> str:
    """sha256 of what the committed library's rows and coding come from: the library, the
    factor vocabulary, the coding overrides and the modules that read and code them. Cheap
    (files only), so a usual open_store compares it without coding the 50 studies."""
    from readiness.experiences import coding, studies, vocabulary

    digest = hashlib.sha256()
    sources = (studies.LIBRARY_FILE, vocabulary.FACTORS_FILE, coding.OVERRIDES_FILE)
    modules = (Path(m.__file__ or "") for m in (studies, vocabulary, coding))
    for path in (*sources, *modules):
        digest.update(f"{path.name}:{path.stat().st_size}:".encode())
        digest.update(path.read_bytes())
    return "files:" + digest.hexdigest()


def committed_library() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committed studies and their coding."""
    from readiness.experiences.coding import code_studies
    from readiness.experiences.studies import load_library

    studies = load_library()
    return studies, code_studies(studies)


def _values(row: Mapping[Any, Any]) -> dict[str, str]:
    """A study's stored text fields (STUDY_COLUMNS but the times), "" for none."""
    return {c: str(row.get(c, "") or "") for c in EDITABLE}


def _limit(column: str) -> int:
    """The characters a study's column holds: its VARCHAR length, else MAX_FIELD."""
    length = getattr(CaseStudyRow.__table__.c[column].type, "length", None)
    return int(length or MAX_FIELD)


def _check_fields(fields: Mapping[str, str]) -> None:
    """StoreError naming every field that breaks the vocabulary or the size limits."""
    problems = [f"{name} is longer than {_limit(name)} characters"
                for name, value in fields.items() if len(value) > _limit(name)]  # fmt: skip
    economies = [e.strip() for e in fields.get("economies", "").split(";") if e.strip()]
    if "economies" in fields and (not economies or any(not ISO3.match(e) for e in economies)):
        problems.append("economies must be ';'-joined ISO3 codes such as GHA;KEN")
    sectors = [s.strip() for s in fields.get("sectors", "").split(";") if s.strip()]
    if any(s not in SECTORS for s in sectors):
        problems.append(f"sectors must be among {', '.join(SECTORS)}")
    if "stage" in fields and fields["stage"] not in (*STAGES, ""):
        problems.append(f"stage must be one of {', '.join(STAGES)}")
    url = fields.get("source_url", "")
    if url and not url.startswith(("http://", "https://")):
        problems.append("the source URL must start with http:// or https://")
    if problems:
        raise StoreError("; ".join(problems))


def _coding_rows(coding: Iterable[Mapping[str, Any]], rule: str | None = None) -> list[dict]:
    """(side, phrase, factor, rule) checked against the vocabulary."""
    rows = []
    for item in coding:
        row = {
            "side": str(item.get("side", "")),
            "phrase": str(item.get("phrase", "") or ""),
            "factor": str(item.get("factor", "")),
            "rule": rule or str(item.get("rule", "") or ""),
        }
        if row["side"] not in SIDES or row["factor"] not in FACTORS:
            raise StoreError(
                f"a coding row needs a side ({', '.join(SIDES)}) and a factor of the "
                f"vocabulary, not {row['side']!r} and {row['factor']!r}"
            )
        if len(row["phrase"]) > MAX_FIELD or len(row["rule"]) > MAX_FIELD:
            raise StoreError(f"a coded phrase has at most {MAX_FIELD} characters")
        rows.append(row)
    return rows


def _joined(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v).strip() for v in value if str(v).strip())
    return str(value if value is not None else "").strip()


def _submission_fields(sub: Submission) -> tuple[dict[str, str], list[dict], str, str]:
    """A Submission's study fields, coding rows (rule "chosen by submitter"), role, language."""
    fields = {c: _joined(getattr(sub, c, "")) for c in EDITABLE if c not in SIDES}
    for side in SIDES:
        fields[side] = sub.phrases(side)
    coding = [dict(zip(CODING_COLUMNS, row, strict=True)) for row in sub.coding("")]
    role, language = _joined(sub.role), _joined(sub.language)
    if role not in (*ROLES, "") or len(language) > _limit("language"):
        raise StoreError(f"the role is one of {', '.join(ROLES)} and the language a code")
    return fields, coding, role, language


def _study_out(row: CaseStudyRow) -> dict[str, Any]:
    out: dict[str, Any] = {c: getattr(row, c) for c in STUDY_COLUMNS}
    out["submitted_at"] = as_iso(row.submitted_at)
    for column in EXTRA_COLUMNS:
        out[column] = getattr(row, column)
    out["published_at"] = as_iso(row.published_at)
    return out


class CaseLibrary:
    """The country experiences of a store (`store.cases`)."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    # --- the committed library ----------------------------------------------------------------

    def sync_library(
        self,
        studies: pd.DataFrame | None = None,
        coding: pd.DataFrame | None = None,
        *,
        editor: str = LIBRARY_EDITOR,
    ) -> bool:
        """Bring the committed library (default: load_library() and its code_studies()) into
        the store when its digest differs from the synced one: studies added, changed or gone
        are written and audited in one transaction; True when that changed a row."""
        if studies is None:
            digest = committed_digest()
        elif coding is None:
            raise StoreError("syncing the library needs its coding too")
        else:
            digest = library_digest(studies, coding)
        with self._sessions.read() as session:
            if self._meta(session, DIGEST_KEY) == digest:  # the usual open: nothing to do
                return False
        who = check_editor(editor)
        if studies is None or coding is None:
            studies, coding = committed_library()
        with self._sessions.write() as session:
            self._lock(session, LIBRARY_LOCK_KEY)
            if self._meta(session, DIGEST_KEY) == digest:  # another process synced it meanwhile
                return False
            counts = self._apply_library(session, studies, coding, who)
            self._set_meta(session, DIGEST_KEY, digest)
            changed = counts["added"] + counts["changed"] + counts["removed"] > 0
            if changed:  # a new digest of the same rows (a comment edited) is no change
                add_audit(session, who, "sync_library", "library", digest=digest, **counts)
        return changed

    def _apply_library(
        self, session: Session, studies: pd.DataFrame, coding: pd.DataFrame, who: str
    ) -> dict[str, int]:
        wanted = {str(r["case_id"]): r for r in studies.to_dict("records")}
        stored = {
            row.case_id: row
            for row in session.execute(select(CaseStudyRow).where(CaseStudyRow.case_id.in_(
                list(wanted)) | (CaseStudyRow.origin == "library"))).scalars()
        }  # fmt: skip
        clash = sorted(c for c, row in stored.items() if c in wanted and row.origin != "library")
        if clash:
            raise StoreError(
                f"the library's case ids {', '.join(clash[:5])} are taken by studies submitted "
                "or imported under the same id; delete or re-import those under other ids"
            )
        by_study: dict[str, list[dict]] = {c: [] for c in wanted}
        for item in coding.to_dict("records"):
            by_study.setdefault(str(item["case_id"]), []).append(item)
        counts = {"added": 0, "changed": 0, "removed": 0, "studies": len(wanted)}
        now = utc_now()
        for case_id, record in wanted.items():
            fields, new_coding = _values(record), _coding_rows(by_study[case_id])
            row = stored.get(case_id)
            if row is not None:
                if _values(_study_out(row)) == fields and self._coding(session, row.id) == [
                    (c["side"], c["phrase"], c["factor"], c["rule"]) for c in new_coding
                ]:
                    continue
                counts["changed"] += 1
                session.execute(delete(CaseFactorRow).where(CaseFactorRow.study_id == row.id))
            else:
                counts["added"] += 1
                row = CaseStudyRow(
                    case_id=case_id, origin="library", status="published", submitted_at=None,
                    workshop="", session_key="", submitted_by="", role="", language="",
                )  # fmt: skip
                session.add(row)
            for column, value in fields.items():
                setattr(row, column, value)
            row.published_at, row.published_by = now, who
            session.flush()
            self._put_coding(session, row.id, new_coding)
        gone = [row.id for c, row in stored.items() if c not in wanted]
        if gone:
            session.execute(delete(CaseFactorRow).where(CaseFactorRow.study_id.in_(gone)))
            session.execute(delete(CaseStudyRow).where(CaseStudyRow.id.in_(gone)))
        counts["removed"] = len(gone)
        return counts

    # --- reading ------------------------------------------------------------------------------

    def studies(self, status: str | None = "published") -> pd.DataFrame:
        """The studies of a status (None: every one) in STUDY_COLUMNS, all text, by case_id."""
        return self._studies(status, STUDY_COLUMNS)

    def pending(self) -> pd.DataFrame:
        """The submissions waiting for review, with role and language, the oldest first."""
        frame = self._studies("pending", (*STUDY_COLUMNS, "role", "language"))
        return frame.sort_values(["submitted_at", "case_id"], ignore_index=True)

    def _studies(self, status: str | None, columns: tuple[str, ...]) -> pd.DataFrame:
        query = select(*(getattr(CaseStudyRow, c) for c in columns))
        if status is not None:
            query = query.where(CaseStudyRow.status == self._status(status))
        with self._sessions.read() as session:
            rows = session.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(columns), dtype=object)
        frame["submitted_at"] = [as_iso(v) for v in frame["submitted_at"]]
        return frame.sort_values("case_id", ignore_index=True).astype(str)

    def factors(self, status: str | None = "published") -> pd.DataFrame:
        """The coding (CODING_COLUMNS) of the studies of a status (None: every one)."""
        query = select(
            CaseStudyRow.case_id, CaseFactorRow.side, CaseFactorRow.phrase,
            CaseFactorRow.factor, CaseFactorRow.rule,
        ).join(CaseStudyRow, CaseStudyRow.id == CaseFactorRow.study_id)  # fmt: skip
        if status is not None:
            query = query.where(CaseStudyRow.status == self._status(status))
        with self._sessions.read() as session:
            rows = session.execute(query.order_by(CaseFactorRow.id)).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(CODING_COLUMNS), dtype=str)
        return frame.sort_values("case_id", kind="mergesort", ignore_index=True)

    def get(self, case_id: str) -> dict[str, Any]:
        """One study of any status: STUDY_COLUMNS, role, language, published_at/by and its
        `coding` (a list of side, phrase, factor, rule); StoreError if no study has the id."""
        with self._sessions.read() as session:
            row = self._find(session, case_id)
            out = _study_out(row)
            out["coding"] = [
                dict(zip(("side", "phrase", "factor", "rule"), c, strict=True))
                for c in self._coding(session, row.id)
            ]
        return out

    def version(self) -> int:
        """The newest audit row of the library (any write to it raises the number)."""
        query = select(func.max(AuditRow.id)).where(
            or_(AuditRow.entity.like("case%"), AuditRow.entity == "library")
        )
        with self._sessions.read() as session:
            return int(session.scalar(query) or 0)

    # --- anonymous submissions ----------------------------------------------------------------

    def submit(self, sub: Submission, *, session_key: str, workshop: str | None = None) -> str:
        """Store a participant's validated Submission as pending; its new case id (SUB-000001).

        StoreError naming the limit when this session sent MAX_PER_SESSION_HOUR in the last
        hour, the workshop received MAX_PER_WORKSHOP, or MAX_PENDING wait for review."""
        key = session_hash(session_key)
        fields, coding, role, language = _submission_fields(sub)
        _check_fields(fields)
        coding_rows = _coding_rows(coding)
        with self._sessions.write() as session:
            self._lock(session, SUBMIT_LOCK_KEY)
            code = self._workshop_code(session, workshop)
            self._check_limits(session, key, code)
            number = int(self._meta(session, SEQUENCE_KEY) or 0) + 1
            case_id = f"SUB-{number:06d}"
            self._set_meta(session, SEQUENCE_KEY, str(number))
            row = CaseStudyRow(
                case_id=case_id, origin="submitted", status="pending", submitted_at=utc_now(),
                workshop=code, session_key=key, submitted_by="", role=role, language=language,
                published_at=None, published_by="", **fields,
            )  # fmt: skip
            session.add(row)
            session.flush()
            self._put_coding(session, row.id, coding_rows)
            add_audit(session, ANONYMOUS, "submit_study", f"case:{case_id}", workshop=code,
                      economies=fields["economies"])  # fmt: skip
        return case_id

    def _check_limits(self, session: Session, key: str, workshop: str) -> None:
        since = utc_now() - timedelta(hours=1)
        count = select(func.count()).select_from(CaseStudyRow)
        recent = session.scalar(
            count.where(CaseStudyRow.session_key == key, CaseStudyRow.submitted_at >= since)
        )
        if (recent or 0) >= MAX_PER_SESSION_HOUR:
            raise StoreError(
                f"this session has sent {recent} experiences in the last hour; try again later"
            )
        if workshop:
            sent = session.scalar(count.where(CaseStudyRow.workshop == workshop)) or 0
            if sent >= MAX_PER_WORKSHOP:
                raise StoreError(
                    f"the workshop {workshop} has received {sent} experiences, as many as one "
                    "workshop may send; send yours without the workshop code"
                )
        waiting = session.scalar(count.where(CaseStudyRow.status == "pending")) or 0
        if waiting >= MAX_PENDING:
            raise StoreError(
                f"{waiting} experiences are waiting for review; try again after the editors "
                "have reviewed them"
            )

    def _workshop_code(self, session: Session, workshop: str | None) -> str:
        if not workshop:
            return ""
        from readiness.store.polls import normalise_code

        code = normalise_code(workshop)
        if session.execute(select(WorkshopRow.id).where(WorkshopRow.code == code)).first() is None:
            raise StoreError(f"no workshop has the code {code}; check it with the presenter")
        return code

    # --- editors ------------------------------------------------------------------------------

    def publish(self, case_id: str, *, editor: str) -> None:
        """Publish a pending (or rejected) submission."""
        who = check_editor(editor)
        with self._sessions.write() as session:
            row = self._editable(session, case_id)
            if row.status == "published":
                raise StoreError(f"the study {row.case_id} is already published")
            before, row.status = row.status, "published"
            row.published_at, row.published_by = utc_now(), who
            add_audit(session, who, "publish_study", f"case:{row.case_id}", before=before)

    def reject(self, case_id: str, *, editor: str, reason: str = "") -> None:
        """Reject a submission (kept, status rejected; the reason goes to the audit log)."""
        who = check_editor(editor)
        why = str(reason or "").strip()
        if len(why) > MAX_FIELD:
            raise StoreError(f"a reason has at most {MAX_FIELD} characters")
        with self._sessions.write() as session:
            row = self._editable(session, case_id)
            before, row.status = row.status, "rejected"
            row.published_at, row.published_by = None, ""
            add_audit(session, who, "reject_study", f"case:{row.case_id}", before=before,
                      reason=why)  # fmt: skip

    def edit(self, case_id: str, changes: Mapping[str, Any], *, editor: str) -> None:
        """Change fields of a submitted or imported study (EDITABLE names; "coding": rows of
        side, phrase, factor replace its coding, rule "set by editor")."""
        who = check_editor(editor)
        unknown = sorted(set(changes) - {*EDITABLE, "coding"})
        if unknown:
            raise StoreError(
                f"{', '.join(unknown)} cannot be edited; the fields are {', '.join(EDITABLE)} "
                "and coding"
            )
        fields = {k: str(v if v is not None else "").strip() for k, v in changes.items()
                  if k != "coding"}  # fmt: skip
        _check_fields(fields)
        coding = _coding_rows(changes["coding"], EDITOR_RULE) if "coding" in changes else None
        with self._sessions.write() as session:
            row = self._editable(session, case_id)
            changed = sorted(k for k, v in fields.items() if getattr(row, k) != v)
            for column in changed:
                setattr(row, column, fields[column])
            if coding is not None:
                session.execute(delete(CaseFactorRow).where(CaseFactorRow.study_id == row.id))
                self._put_coding(session, row.id, coding)
                changed.append("coding")
            add_audit(session, who, "edit_study", f"case:{row.case_id}", fields=changed)

    def delete(self, case_id: str, *, editor: str) -> None:
        """Remove a submitted or imported study and its coding."""
        who = check_editor(editor)
        with self._sessions.write() as session:
            row = self._editable(session, case_id)
            session.execute(delete(CaseFactorRow).where(CaseFactorRow.study_id == row.id))
            session.delete(row)
            add_audit(session, who, "delete_study", f"case:{row.case_id}", origin=row.origin,
                      status=row.status, economies=row.economies)  # fmt: skip

    def import_studies(self, studies: pd.DataFrame, coding: pd.DataFrame, *, editor: str) -> int:
        """Store studies (STUDY_COLUMNS; origin and status are set to imported, published) and
        their coding (CODING_COLUMNS) in one transaction; the number of studies stored."""
        who = check_editor(editor)
        missing = [c for c in (*EDITABLE, "case_id") if c not in studies.columns]
        missing += [c for c in CODING_COLUMNS if c not in coding.columns]
        if missing:
            raise StoreError(f"the import lacks the column(s) {', '.join(missing)}")
        records = studies.fillna("").astype(str).to_dict("records")
        ids = [r["case_id"].strip() for r in records]
        if any(not i or len(i) > 40 for i in ids) or len(set(ids)) != len(ids):
            raise StoreError("each imported study needs its own case_id of 1 to 40 characters")
        by_study: dict[str, list[dict]] = {i: [] for i in ids}
        for item in coding.fillna("").astype(str).to_dict("records"):
            if item["case_id"] not in by_study:
                raise StoreError(f"the coding names the study {item['case_id']!r}, not imported")
            by_study[item["case_id"]].append(item)
        rows = [(_values(r), _coding_rows(by_study[i])) for r, i in zip(records, ids, strict=True)]
        for fields, _ in rows:
            _check_fields(fields)
        with self._sessions.write() as session:
            taken = session.scalars(select(CaseStudyRow.case_id).where(CaseStudyRow.case_id.in_(
                ids))).all()  # fmt: skip
            if taken:
                raise StoreError(
                    f"nothing was imported: the case id(s) {', '.join(sorted(taken)[:5])} are "
                    "already stored; give the studies other ids"
                )
            now = utc_now()
            for case_id, (fields, study_coding) in zip(ids, rows, strict=True):
                row = CaseStudyRow(
                    case_id=case_id, origin="imported", status="published", submitted_at=None,
                    workshop="", session_key="", submitted_by=who, role="", language="",
                    published_at=now, published_by=who, **fields,
                )  # fmt: skip
                session.add(row)
                session.flush()
                self._put_coding(session, row.id, study_coding)
            add_audit(session, who, "import_studies", "cases:import", studies=len(ids),
                      coding=len(coding), first=ids[0] if ids else "")  # fmt: skip
        return len(ids)

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _status(status: str) -> str:
        if status not in STATUSES:
            raise StoreError(f"a study's status is one of {', '.join(STATUSES)}, not {status!r}")
        return status

    def _lock(self, session: Session, key: int) -> None:
        if self._sessions.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    @staticmethod
    def _meta(session: Session, key: str) -> str | None:
        row = session.get(StoreMetaRow, key)
        return None if row is None else row.value

    @staticmethod
    def _set_meta(session: Session, key: str, value: str) -> None:
        row = session.get(StoreMetaRow, key)
        if row is None:
            session.add(StoreMetaRow(key=key, value=value, updated_at=utc_now()))
        else:
            row.value, row.updated_at = value, utc_now()

    @staticmethod
    def _find(session: Session, case_id: str, *, lock: bool = False) -> CaseStudyRow:
        query = select(CaseStudyRow).where(CaseStudyRow.case_id == str(case_id).strip())
        row = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
        if row is None:
            raise StoreError(f"no stored study has the id {case_id!r}")
        return row

    def _editable(self, session: Session, case_id: str) -> CaseStudyRow:
        row = self._find(session, case_id, lock=True)
        if row.origin == "library":
            raise StoreError(f"{row.case_id}: {LIBRARY_ONLY}")
        return row

    @staticmethod
    def _coding(session: Session, study_id: int) -> list[tuple[str, str, str, str]]:
        rows = session.execute(
            select(CaseFactorRow.side, CaseFactorRow.phrase, CaseFactorRow.factor,
                   CaseFactorRow.rule)
            .where(CaseFactorRow.study_id == study_id).order_by(CaseFactorRow.id)
        ).all()  # fmt: skip
        return [tuple(r) for r in rows]  # type: ignore[misc]

    @staticmethod
    def _put_coding(session: Session, study_id: int, coding: list[dict]) -> None:
        if coding:
            session.execute(insert(CaseFactorRow), [{**c, "study_id": study_id} for c in coding])
