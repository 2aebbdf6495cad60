"""Live workshop polls: an editor opens one, participants answer anonymously, the room sees a tally.

A poll is found by its code: 6 characters drawn at random (`secrets`) from an alphabet without
the look-alikes 0/O, 1/I/L, looked up case-aside ("k7mq2x" is "K7MQ2X"). A participant's
browser session answers at most once per poll: answering again replaces the answer (unique
workshop and session key; the store keeps only the sha256 of the session's token). The limits
are counted in the answer's own transaction, after the poll's row is locked (`SELECT ... FOR
UPDATE` on PostgreSQL; SQLite writers hold the write lock from BEGIN IMMEDIATE), so answers
sent at the same moment queue instead of being lost or passing a limit together.

Opening and closing a poll name their editor and are audited ("poll:<code>"); answers are not
(they are anonymous). A participant who does not say their economy or role keeps "" there.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

import pandas as pd
from sqlalchemy import case, delete, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from readiness.experiences.questionnaire import PollAnswer
from readiness.experiences.vocabulary import FACTORS, ROLES
from readiness.store.base import Sessions, add_audit, check_editor, session_hash, to_frame
from readiness.store.errors import StoreError
from readiness.store.schema import PollAnswerRow, PollChoiceRow, WorkshopRow, utc_now

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0, O, 1, I or L
CODE_LENGTH = 6
QUESTIONS = ("barriers", "enablers")
MAX_TITLE = 200
MAX_ANSWERS = 2000  # answers per poll
MAX_CHANGES = 20  # times one session may answer one poll (its first answer included)
ATTEMPTS = 5  # tries of a write that lost a race on a unique key
WORKSHOP_COLUMNS = (
    "code", "title", "question", "max_choices", "is_open", "created_at", "created_by",
    "closed_at", "answers",
)  # fmt: skip
ANSWER_COLUMNS = ("answer_id", "iso3", "region", "role", "factors", "answered_at")
TALLY_COLUMNS = ("factor", "rank1", "answers", "share", "n_participants")


@functools.cache
def itu_regions() -> dict[str, str]:
    """ISO3 -> ITU-D region of the committed snapshot (economies without one are left out)."""
    from readiness.data.snapshot import load_snapshot

    countries = load_snapshot().countries
    known = countries[countries["itu_region"].notna()]
    return dict(zip(known["iso3"], known["itu_region"].astype(str), strict=True))


def region_of(iso3: str) -> str:
    """The ITU-D region of an economy, or "" when it was not given or has none."""
    return itu_regions().get(iso3, "") if iso3 else ""


def normalise_code(code: str) -> str:
    """A poll code as stored (upper case); StoreError if it cannot be one."""
    clean = str(code or "").strip().upper()
    if len(clean) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in clean):
        raise StoreError(
            f"{str(code)[:20]!r} is not a poll code: a code has {CODE_LENGTH} letters and digits "
            "such as K7MQ2X; ask the presenter for it"
        )
    return clean


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _workshop_dict(row: WorkshopRow, answers: int) -> dict[str, Any]:
    return {
        "code": row.code,
        "title": row.title,
        "question": row.question,
        "max_choices": row.max_choices,
        "is_open": bool(row.is_open),
        "created_at": row.created_at,
        "created_by": row.created_by,
        "closed_at": row.closed_at,
        "answers": answers,
    }


def _clean_answer(answer: PollAnswer, max_choices: int) -> tuple[tuple[str, ...], str, str]:
    """The answer's factors (in rank order), ISO3 ("" if not given) and role, checked again."""
    factors = tuple(str(f) for f in getattr(answer, "factors", ()) or ())
    iso3 = str(getattr(answer, "iso3", "") or "").strip().upper()
    role = str(getattr(answer, "role", "") or "").strip()
    problems = []
    if not 1 <= len(factors) <= max_choices:
        problems.append(f"choose 1 to {max_choices} factors, not {len(factors)}")
    unknown = [f for f in factors if f not in FACTORS]
    if unknown:
        problems.append(f"unknown factor(s) {', '.join(unknown[:5])}")
    if len(set(factors)) != len(factors):
        problems.append("each factor may be chosen once")
    if iso3 and (len(iso3) != 3 or not iso3.isalpha() or not iso3.isascii()):
        problems.append("the economy must be an ISO3 code such as GHA, or left empty")
    if role and role not in ROLES:
        problems.append(f"the role must be one of {', '.join(ROLES)}, or left empty")
    if problems:
        raise StoreError("the answer was not stored: " + "; ".join(problems))
    return factors, iso3, role


class Polls:
    """The workshop polls of a store (`store.polls`)."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    # --- editors ------------------------------------------------------------------------------

    def open_poll(
        self, title: str, *, question: str = "barriers", max_choices: int = 3, editor: str
    ) -> dict[str, Any]:
        """A new open poll with a new random code (see `workshop` for the keys)."""
        who = check_editor(editor)
        name = " ".join(str(title or "").split())
        problems = []
        if not 1 <= len(name) <= MAX_TITLE:
            problems.append(f"a poll needs a title of 1 to {MAX_TITLE} characters")
        if question not in QUESTIONS:
            problems.append(f"the question is one of {', '.join(QUESTIONS)}, not {question!r}")
        if not isinstance(max_choices, int) or not 1 <= max_choices <= len(FACTORS):
            problems.append(f"participants may choose 1 to {len(FACTORS)} factors")
        if problems:
            raise StoreError("; ".join(problems))
        for _ in range(ATTEMPTS):
            row = WorkshopRow(
                code=new_code(), title=name, question=question, max_choices=max_choices,
                is_open=True, created_at=utc_now(), created_by=who, closed_at=None,
            )  # fmt: skip
            try:
                with self._sessions.write() as session:
                    session.add(row)
                    session.flush()
                    add_audit(session, who, "open_poll", f"poll:{row.code}", title=name,
                              question=question, max_choices=max_choices)  # fmt: skip
            except IntegrityError:  # the code was taken (1 in ~900 million): draw again
                continue
            return _workshop_dict(row, 0)
        raise StoreError("no free poll code was found; try again")

    def close_poll(self, code: str, *, editor: str) -> None:
        """Stop taking answers (the answers stay); closing a closed poll changes nothing."""
        who = check_editor(editor)
        with self._sessions.write() as session:
            row = self._locked(session, code)
            if not row.is_open:
                return
            row.is_open, row.closed_at = False, utc_now()
            answers = self._count(session, row.id)
            add_audit(session, who, "close_poll", f"poll:{row.code}", answers=answers)

    # --- reading ------------------------------------------------------------------------------

    def workshop(self, code: str) -> dict[str, Any]:
        """The poll: code, title, question, max_choices, is_open, created_at/by, closed_at,
        answers (the number of participants who answered); StoreError if no poll has the code."""
        clean = normalise_code(code)
        with self._sessions.read() as session:
            row = session.execute(
                select(WorkshopRow).where(WorkshopRow.code == clean)
            ).scalar_one_or_none()
            if row is None:
                raise StoreError(f"no poll has the code {clean}; check it with the presenter")
            return _workshop_dict(row, self._count(session, row.id))

    def workshops(self) -> pd.DataFrame:
        """Every poll, the newest first, with its number of answers."""
        counts = (
            select(PollAnswerRow.workshop_id, func.count().label("n"))
            .group_by(PollAnswerRow.workshop_id)
            .subquery()
        )
        columns = (getattr(WorkshopRow, c) for c in WORKSHOP_COLUMNS[:-1])
        query = (
            select(*columns, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.workshop_id == WorkshopRow.id)
            .order_by(WorkshopRow.id.desc())
        )
        with self._sessions.read() as session:
            rows = session.execute(query).all()
        frame = to_frame(rows, WORKSHOP_COLUMNS, ("created_at", "closed_at"))
        return frame.astype({"max_choices": "int64", "is_open": "bool", "answers": "int64"})

    # --- participants -------------------------------------------------------------------------

    def answer(self, code: str, answer: PollAnswer, *, session_key: str) -> bool:
        """Store a participant's answer (a PollAnswer: factors in rank order, iso3, role);
        True when it replaced the session's earlier answer. StoreError when the poll is closed
        or unknown, or a limit is reached (MAX_CHANGES per session, MAX_ANSWERS per poll)."""
        key = session_hash(session_key)
        clean = normalise_code(code)
        for attempt in range(ATTEMPTS):
            try:
                with self._sessions.write() as session:
                    return self._put_answer(session, clean, answer, key)
            except IntegrityError:  # another transaction inserted this session's row first
                if attempt == ATTEMPTS - 1:
                    raise StoreError("the answer could not be stored; send it again") from None
        raise AssertionError("unreachable")

    def _put_answer(self, session: Session, code: str, answer: PollAnswer, key: str) -> bool:
        poll = self._locked(session, code)
        if not poll.is_open:
            raise StoreError(f"the poll {code} is closed and takes no more answers")
        factors, iso3, role = _clean_answer(answer, poll.max_choices)
        old = session.execute(
            select(PollAnswerRow).where(
                PollAnswerRow.workshop_id == poll.id, PollAnswerRow.session_key == key
            )
        ).scalar_one_or_none()
        now = utc_now()
        if old is None:
            answers = self._count(session, poll.id)
            if answers >= MAX_ANSWERS:
                raise StoreError(
                    f"the poll {code} has {answers} answers, as many as a poll takes; "
                    "ask the presenter to open a new poll"
                )
            old = PollAnswerRow(workshop_id=poll.id, session_key=key, changes=0)
            session.add(old)
        elif old.changes >= MAX_CHANGES:
            raise StoreError(
                f"this session has answered the poll {code} {old.changes} times, the limit; "
                "its last answer is kept"
            )
        replaced = old.id is not None
        old.iso3, old.role, old.answered_at, old.changes = iso3, role, now, old.changes + 1
        session.flush()
        if replaced:
            session.execute(delete(PollChoiceRow).where(PollChoiceRow.answer_id == old.id))
        session.execute(
            insert(PollChoiceRow),
            [{"answer_id": old.id, "factor": f, "rank": r} for r, f in enumerate(factors, 1)],
        )
        return replaced

    # --- results ------------------------------------------------------------------------------

    def tally(self, code: str) -> pd.DataFrame:
        """Every vocabulary factor, in the vocabulary's order: rank1 (answers choosing it
        first), answers (choosing it at any rank), share (answers / n_participants; NaN while
        nobody has answered) and n_participants. One GROUP BY query."""
        frame = self._grouped(code, by_economy=False)
        return _tally_rows(frame, "", _participants(frame)).drop(columns="key")

    def tally_by(self, code: str, by: str = "economy") -> pd.DataFrame:
        """The tally per economy (key: ISO3) or ITU-D region (key: region): key, factor, rank1,
        answers, share, n_participants (of that key). Participants who did not say their
        economy are under key "" (never counted as a country); every factor is listed for every
        key with answers."""
        if by not in ("economy", "region"):
            raise StoreError(f"a poll is tallied by economy or region, not {by!r}")
        frame = self._grouped(code, by_economy=True)
        if by == "region":
            frame["key"] = frame["key"].map(region_of)
        parts = []
        for key, group in frame.groupby("key", sort=True):
            parts.append(_tally_rows(group, str(key), _participants(group)))
        if not parts:
            return pd.DataFrame(columns=["key", *TALLY_COLUMNS]).astype(
                {"rank1": "int64", "answers": "int64", "share": "float64"}
            )
        return pd.concat(parts, ignore_index=True)

    def answers(self, code: str) -> pd.DataFrame:
        """One row per participant: answer_id, iso3 ("" if not given), region (ITU-D, "" if
        none), role, factors (';'-joined in rank order), answered_at (UTC)."""
        with self._sessions.read() as session:
            poll_id = self._id(session, code)
            rows = session.execute(
                select(
                    PollAnswerRow.id,
                    PollAnswerRow.iso3,
                    PollAnswerRow.role,
                    PollChoiceRow.factor,
                    PollAnswerRow.answered_at,
                )
                .join(PollChoiceRow, PollChoiceRow.answer_id == PollAnswerRow.id)
                .where(PollAnswerRow.workshop_id == poll_id)
                .order_by(PollAnswerRow.id, PollChoiceRow.rank)
            ).all()
        merged: dict[int, list[Any]] = {}
        for answer_id, iso3, role, factor, answered_at in rows:
            if answer_id in merged:
                merged[answer_id][4] += ";" + factor
            else:
                merged[answer_id] = [answer_id, iso3, region_of(iso3), role, factor, answered_at]
        frame = to_frame(list(merged.values()), ANSWER_COLUMNS, ("answered_at",))
        return frame.astype({"answer_id": "int64"})

    # --- helpers ------------------------------------------------------------------------------

    def _grouped(self, code: str, *, by_economy: bool) -> pd.DataFrame:
        """iso3 (the ISO3 by economy, else ""), key (the same), factor, rank1, answers and n_key
        (the participants of that ISO3, or of the poll): one query grouped by (ISO3 and) factor."""
        rank1 = func.sum(case((PollChoiceRow.rank == 1, 1), else_=0))
        with self._sessions.read() as session:
            poll_id = self._id(session, code)
            if by_economy:
                participants = (
                    select(PollAnswerRow.iso3, func.count().label("n"))
                    .where(PollAnswerRow.workshop_id == poll_id)
                    .group_by(PollAnswerRow.iso3)
                    .subquery()
                )
                query = (
                    select(PollAnswerRow.iso3, PollChoiceRow.factor, rank1, func.count(),
                           func.min(participants.c.n))
                    .join(participants, participants.c.iso3 == PollAnswerRow.iso3)
                    .group_by(PollAnswerRow.iso3, PollChoiceRow.factor)
                )  # fmt: skip
            else:
                everyone = (
                    select(func.count())
                    .where(PollAnswerRow.workshop_id == poll_id)
                    .scalar_subquery()
                )
                query = select(
                    literal(""), PollChoiceRow.factor, rank1, func.count(), func.min(everyone)
                ).group_by(PollChoiceRow.factor)
            query = query.join_from(
                PollAnswerRow, PollChoiceRow, PollChoiceRow.answer_id == PollAnswerRow.id
            ).where(PollAnswerRow.workshop_id == poll_id)
            rows = session.execute(query).all()
        frame = to_frame(rows, ("iso3", "factor", "rank1", "answers", "n_key"), ())
        frame = frame.astype({"rank1": "int64", "answers": "int64", "n_key": "int64"})
        frame["key"] = frame["iso3"]
        return frame

    def _id(self, session: Session, code: str) -> int:
        clean = normalise_code(code)
        found = session.execute(select(WorkshopRow.id).where(WorkshopRow.code == clean)).scalar()
        if found is None:
            raise StoreError(f"no poll has the code {clean}; check it with the presenter")
        return int(found)

    def _locked(self, session: Session, code: str) -> WorkshopRow:
        clean = normalise_code(code)
        row = session.execute(
            select(WorkshopRow).where(WorkshopRow.code == clean).with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise StoreError(f"no poll has the code {clean}; check it with the presenter")
        return row

    @staticmethod
    def _count(session: Session, poll_id: int) -> int:
        query = select(func.count()).where(PollAnswerRow.workshop_id == poll_id)
        return int(session.scalar(query) or 0)


def _participants(frame: pd.DataFrame) -> int:
    """Participants behind grouped rows: each ISO3 ("" included) counted once."""
    return int(frame.drop_duplicates("iso3")["n_key"].sum()) if len(frame) else 0


def _tally_rows(frame: pd.DataFrame, key: str, participants: int) -> pd.DataFrame:
    """Every factor once (0 where nobody chose it), summed over the frame's keys."""
    rank1 = dict.fromkeys(FACTORS, 0)
    answers = dict.fromkeys(FACTORS, 0)
    for factor, first, chosen in zip(frame["factor"], frame["rank1"], frame["answers"],
                                     strict=True):  # fmt: skip
        rank1[factor] += int(first)
        answers[factor] += int(chosen)
    share = [answers[f] / participants if participants else float("nan") for f in FACTORS]
    return pd.DataFrame(
        {
            "key": key,
            "factor": list(FACTORS),
            "rank1": pd.array(list(rank1.values()), dtype="int64"),
            "answers": pd.array(list(answers.values()), dtype="int64"),
            "share": pd.array(share, dtype="float64"),
            "n_participants": participants,
        }
    )
