"""Editor accounts: argon2id password hashes, the accounts a server trusts, a sign-in throttle.

Pure Python (no Streamlit): the dashboard's sign-in (dashboard/auth) and `readiness editor hash`
use it. A password is never stored, logged or echoed; only its hash is, in the `[editors]`
section of `.streamlit/secrets.toml` (name = "hash") or in the environment variable
READINESS_EDITORS. See docs/EDITORS.md.

READINESS_EDITORS holds `name:hash` entries separated by `;` (newlines also separate). An
argon2 hash (`$argon2id$v=19$m=65536,t=3,p=4$salt$hash`) contains `$`, `=`, `,`, `+` and `/`,
and a bcrypt hash `$`, `.` and `/`, but neither ever contains `:` or `;`, and a name may not:
so the first `:` of an entry ends its name and `;` always ends an entry.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import secrets
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from readiness.errors import ReadinessError

ENV_ACCOUNTS = "READINESS_EDITORS"
ENV_EDITOR_EMAILS = "READINESS_EDITOR_EMAILS"
SECRETS_SECTION = "editors"
ENTRY_SEPARATOR = ";"
NAME_SEPARATOR = ":"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 64

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
_HASHER = argon2.PasswordHasher()
_BCRYPT = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")
_NAME = re.compile(r"[^\W_][\w.@+-]*")
# A check holds 64 MiB for about 0.1 s: a burst of sign-ins waits here instead of
# exhausting the server's memory.
_VERIFY_SLOTS = threading.BoundedSemaphore(4)

Scheme = Literal["argon2", "bcrypt"]


class AccountsError(ReadinessError):
    """Editor accounts or a password that cannot be used; the message never shows a hash."""


def check_new_password(password: str) -> None:
    """Raise AccountsError unless `password` may become an editor's password."""
    if not password:
        raise AccountsError("the password is empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountsError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountsError(f"the password is too long: use at most {MAX_PASSWORD_LENGTH}")


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (a fresh random salt each time), to store instead of it."""
    check_new_password(password)
    return _HASHER.hash(password)


def hash_scheme(stored_hash: str) -> Scheme:
    """Which scheme made `stored_hash`; AccountsError when it is neither argon2 nor bcrypt."""
    if stored_hash.startswith("$argon2"):
        try:
            argon2.extract_parameters(stored_hash)
        except InvalidHashError:
            raise AccountsError(
                "a stored hash is not a valid argon2 hash: create it again with "
                "`readiness editor hash`"
            ) from None
        return "argon2"
    if _BCRYPT.fullmatch(stored_hash):
        return "bcrypt"
    raise AccountsError(
        "a stored hash is neither an argon2 nor a bcrypt hash: create it with "
        "`readiness editor hash` (in a docker compose file, write each $ as $$)"
    )


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches `stored_hash` (argon2, or bcrypt when bcrypt is installed)."""
    if hash_scheme(stored_hash) == "bcrypt":
        return _verify_bcrypt(stored_hash, password)
    try:
        return _HASHER.verify(stored_hash, password)
    except VerificationError:  # a mismatch (VerifyMismatchError) or a hash argon2 cannot use
        return False
    except InvalidHashError:
        raise AccountsError("a stored hash is not a valid argon2 hash") from None


_NO_BCRYPT = (
    "a stored hash is a bcrypt hash, which needs the Python package bcrypt, and it is not "
    "installed: create an argon2id hash with `readiness editor hash` instead"
)


def bcrypt_available() -> bool:
    """True when the optional bcrypt package is installed (bcrypt hashes can then be checked)."""
    return importlib.util.find_spec("bcrypt") is not None


def usable_hash(stored_hash: str) -> str:
    """`stored_hash` trimmed, once known to be a hash this server can check; else AccountsError."""
    stored_hash = stored_hash.strip()
    if hash_scheme(stored_hash) == "bcrypt" and not bcrypt_available():
        raise AccountsError(_NO_BCRYPT)
    return stored_hash


def _verify_bcrypt(stored_hash: str, password: str) -> bool:
    try:
        import bcrypt
    except ImportError:
        raise AccountsError(_NO_BCRYPT) from None
    try:
        return bool(bcrypt.checkpw(password.encode("utf-8"), stored_hash.encode("ascii")))
    except ValueError:  # bcrypt refuses passwords over 72 bytes
        return False


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random secret, checked for unknown names so they take as long as known ones."""
    return _HASHER.hash(secrets.token_urlsafe(24))


def normal_name(name: str) -> str:
    """The form names are compared in: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def check_name(name: str) -> str:
    """`name` trimmed, or AccountsError when it cannot be an editor's name."""
    name = unicodedata.normalize("NFKC", name).strip()
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
        raise AccountsError(
            f"an editor's name has 1 to {MAX_NAME_LENGTH} letters, digits or . _ @ + - and "
            "starts with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class EditorAccounts:
    """The local editor accounts a server trusts: each name with its password hash."""

    accounts: Mapping[str, tuple[str, str]]  # normal name -> (name as configured, hash)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object] | None) -> EditorAccounts:
        """Accounts from a `[editors]` secrets section: name = "hash"."""
        return cls(_accounts_from_mapping(mapping or {}))

    @classmethod
    def from_env(cls, text: str | None) -> EditorAccounts:
        """Accounts from READINESS_EDITORS text: `name:hash` entries separated by `;`."""
        return cls(_accounts_from_env(text or ""))

    @classmethod
    def load(
        cls, section: Mapping[str, object] | None, environ: Mapping[str, str]
    ) -> EditorAccounts:
        """The secrets section's accounts and the environment's; a name in both is an error."""
        from_secrets = _accounts_from_mapping(section or {})
        from_env = _accounts_from_env(environ.get(ENV_ACCOUNTS, ""))
        both = sorted(from_secrets[key][0] for key in from_secrets.keys() & from_env.keys())
        if both:
            raise AccountsError(
                f"editor {both[0]!r} is in both [{SECRETS_SECTION}] and {ENV_ACCOUNTS}: keep one"
            )
        return cls({**from_secrets, **from_env})

    def __len__(self) -> int:
        return len(self.accounts)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normal_name(name) in self.accounts

    def names(self) -> tuple[str, ...]:
        """The configured names, sorted."""
        return tuple(sorted(name for name, _ in self.accounts.values()))

    def check(self, name: str, password: str) -> str | None:
        """The account's name when `password` is its password, else None.

        An unknown name is checked against a dummy hash with the same cost, so the answer takes
        as long whether or not the name exists, and says nothing about which part was wrong.
        """
        dummy = _dummy_hash()  # made on the first check, whichever name it is for
        entry = self.accounts.get(normal_name(name))
        stored = entry[1] if entry is not None else dummy
        with _VERIFY_SLOTS:
            ok = verify_password(stored, password[:MAX_PASSWORD_LENGTH])
        return entry[0] if ok and entry is not None else None


def _accounts_from_mapping(mapping: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    accounts: dict[str, tuple[str, str]] = {}
    for raw_name, stored in mapping.items():
        where = f"[{SECRETS_SECTION}] account {raw_name!r}"
        try:
            name = check_name(str(raw_name))
            if not isinstance(stored, str):
                raise AccountsError("the hash must be a quoted string")
            stored = usable_hash(stored)
        except AccountsError as exc:
            raise AccountsError(f"{where}: {exc}") from None
        key = normal_name(name)
        if key in accounts:
            raise AccountsError(f"{where} repeats the name {accounts[key][0]!r}")
        accounts[key] = (name, stored)
    return accounts


def _accounts_from_env(text: str) -> dict[str, tuple[str, str]]:
    accounts: dict[str, tuple[str, str]] = {}
    numbers: dict[str, int] = {}
    for number, entry in enumerate(re.split(rf"[{ENTRY_SEPARATOR}\n]", text), start=1):
        entry = entry.strip()
        if not entry:
            continue
        where = f"{ENV_ACCOUNTS} entry {number}"
        raw_name, sep, stored = entry.partition(NAME_SEPARATOR)
        if not sep:
            raise AccountsError(
                f"{where} has no ':' between the name and the hash: write name:hash, "
                "entries separated by ';'"
            )
        try:
            name = check_name(raw_name)
            stored = usable_hash(stored)
        except AccountsError as exc:
            raise AccountsError(f"{where}: {exc}") from None
        key = normal_name(name)
        if key in accounts:
            raise AccountsError(f"{where} repeats the name of entry {numbers[key]}")
        accounts[key], numbers[key] = (name, stored), number
    return accounts


@dataclass(frozen=True)
class EditorEmails:
    """Who may write after an OpenID Connect sign-in: listed addresses and whole domains."""

    addresses: frozenset[str]
    domains: frozenset[str]

    @classmethod
    def load(cls, listed: object, environ: Mapping[str, str]) -> EditorEmails:
        """From the secrets' `editor_emails` (a list or a string) and READINESS_EDITOR_EMAILS.

        An entry is an address (`ana@example.org`) or a whole domain (`@example.org`); strings
        separate entries with `;`, `,` or white space.
        """
        entries = _email_entries(listed) + _email_entries(environ.get(ENV_EDITOR_EMAILS, ""))
        addresses, domains = set(), set()
        for number, entry in enumerate(entries, start=1):
            local, at, domain = entry.lower().rpartition("@")
            if not at or not domain or "." not in domain or "@" in local:
                raise AccountsError(
                    f"editor e-mail entry {number} is neither an address (name@example.org) "
                    "nor a domain (@example.org)"
                )
            if local:
                addresses.add(f"{local}@{domain}")
            else:
                domains.add(domain)
        return cls(frozenset(addresses), frozenset(domains))

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains)

    def allows(self, email: str | None) -> bool:
        """True when `email` is listed or its domain is (exactly: no subdomains)."""
        if not email:
            return False
        email = email.strip().lower()
        local, at, domain = email.rpartition("@")
        return bool(local and at) and (email in self.addresses or domain in self.domains)


def _email_entries(listed: object) -> list[str]:
    if listed is None:
        return []
    if isinstance(listed, str):
        return [e for e in re.split(r"[;,\s]+", listed) if e]
    if isinstance(listed, Iterable):
        return [str(e).strip() for e in listed if str(e).strip()]
    raise AccountsError("editor_emails must be a list of addresses or a string")


@dataclass
class _Failures:
    count: int
    last: float


class Throttle:
    """Slows repeated sign-in failures per key (a session, a name), in bounded memory.

    After `free` failures on a key, the next attempt on it is not even checked until a delay has
    passed since the last failure: `first` seconds, doubling with each further failure, at most
    `cap`. A success forgets the keys; so does `forget` seconds without a failure. At most
    `max_keys` keys are kept, the longest-unused dropped first.
    """

    def __init__(
        self,
        *,
        free: int = 3,
        first: float = 1.0,
        cap: float = 30.0,
        forget: float = 900.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.first, self.cap, self.forget = free, first, cap, forget
        self.max_keys, self.clock = max_keys, clock
        self._failures: OrderedDict[Hashable, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """Seconds to wait after the last of `failures` failures (0 while they are few)."""
        if failures < self.free:
            return 0.0
        return min(self.first * 2.0 ** (failures - self.free), self.cap)

    def wait(self, keys: Iterable[Hashable]) -> float:
        """Seconds before an attempt on all `keys` may be checked (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [0.0]
            for key in keys:
                record = self._current(key, now)
                if record is not None:
                    waits.append(record.last + self.delay(record.count) - now)
            return max(waits)

    def failed(self, keys: Iterable[Hashable]) -> None:
        """Count a refused attempt against each key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                record = self._current(key, now) or _Failures(0, now)
                record.count, record.last = record.count + 1, now
                self._failures[key] = record
                self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, keys: Iterable[Hashable]) -> None:
        """Forget the failures of each key."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def failures(self, key: Hashable) -> int:
        """Failures still counted against `key`."""
        with self._lock:
            record = self._current(key, self.clock())
            return record.count if record is not None else 0

    def __len__(self) -> int:
        return len(self._failures)

    def _current(self, key: Hashable, now: float) -> _Failures | None:
        record = self._failures.get(key)
        if record is not None and now - record.last > self.forget:
            del self._failures[key]
            return None
        return record
