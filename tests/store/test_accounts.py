"""readiness.store.accounts: argon2id hashes, accounts from secrets and environment, throttle."""

from __future__ import annotations

import sys

import argon2
import pytest

from readiness.store import accounts as acc
from readiness.store.accounts import (
    AccountsError,
    EditorAccounts,
    EditorEmails,
    Throttle,
    hash_password,
    verify_password,
)

PASSWORD = "correct horse battery"
# A real bcrypt hash of PASSWORD (cost 12), made with glibc's crypt(3) `$2b$`.
BCRYPT_HASH = "$2b$12$rmsKg2d9fHxNq8iN91cI1OQ.Eh4iC7/7V8ZAF0jXboFG2A9BTNK8C"


@pytest.fixture(scope="module")
def ana_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(scope="module")
def accounts(ana_hash) -> EditorAccounts:
    return EditorAccounts.from_env(f"ana:{ana_hash}")


def test_hash_is_argon2id_salted_and_round_trips(ana_hash):
    assert ana_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in ana_hash
    assert hash_password(PASSWORD) != ana_hash  # a fresh salt each time
    assert verify_password(ana_hash, PASSWORD)
    assert not verify_password(ana_hash, PASSWORD + " ")
    assert not verify_password(ana_hash, "")


@pytest.mark.parametrize(
    ("password", "problem"), [("", "empty"), ("eleven char", "too short"), ("x" * 1025, "too long")]
)
def test_new_passwords_need_twelve_characters(password, problem):
    with pytest.raises(AccountsError, match=problem):
        hash_password(password)
    assert hash_password("twelve chars").startswith("$argon2id$")


def test_a_hash_that_is_no_hash_is_refused_clearly():
    with pytest.raises(AccountsError, match="neither an argon2 nor a bcrypt hash"):
        verify_password("plain-text-password", PASSWORD)
    with pytest.raises(AccountsError, match="not a valid argon2 hash"):
        verify_password("$argon2id$v=19$broken", PASSWORD)


def test_bcrypt_hashes_are_refused_without_the_bcrypt_package(monkeypatch):
    # requirements.txt installs bcrypt; an installation without it must say what is missing.
    monkeypatch.setattr(acc, "bcrypt_available", lambda: False)
    monkeypatch.setitem(sys.modules, "bcrypt", None)  # `import bcrypt` now raises ImportError
    with pytest.raises(AccountsError, match="needs the Python package bcrypt"):
        verify_password(BCRYPT_HASH, PASSWORD)
    with pytest.raises(AccountsError, match=r"entry 1: .*needs the Python package bcrypt") as info:
        EditorAccounts.from_env(f"ana:{BCRYPT_HASH}")
    assert BCRYPT_HASH not in str(info.value)


def test_bcrypt_hashes_are_checked_when_bcrypt_is_installed():
    assert acc.bcrypt_available()
    assert verify_password(BCRYPT_HASH, PASSWORD)
    assert not verify_password(BCRYPT_HASH, "correct horse batterY")
    assert EditorAccounts.from_env(f"ana:{BCRYPT_HASH}").check("ana", PASSWORD) == "ana"


def test_check_returns_the_name_for_the_right_password_only(accounts):
    assert accounts.check("ana", PASSWORD) == "ana"
    assert accounts.check(" ANA ", PASSWORD) == "ana"  # names compare trimmed, case-folded
    assert accounts.check("ana", "wrong password") is None
    assert accounts.check("bob", PASSWORD) is None
    assert accounts.check("", "") is None


def test_unknown_name_and_wrong_password_do_the_same_work(accounts, ana_hash, monkeypatch):
    """Both paths verify one argon2id hash of the same cost, so timing does not tell them apart."""
    calls: list[str] = []
    real = acc.verify_password

    def spy(stored: str, password: str) -> bool:
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(acc, "verify_password", spy)
    wrong_password = accounts.check("ana", "not the password")
    unknown_name = accounts.check("nobody", PASSWORD)
    assert wrong_password is None and unknown_name is None
    assert len(calls) == 2
    assert calls[0] == ana_hash and calls[1] != ana_hash  # the dummy hash for the unknown name
    assert argon2.extract_parameters(calls[0]) == argon2.extract_parameters(calls[1])


def test_environment_entries(ana_hash):
    bob = hash_password("another long password")
    text = f" ana:{ana_hash} ;\nbob:{bob};"
    accounts = EditorAccounts.from_env(text)
    assert accounts.names() == ("ana", "bob") and len(accounts) == 2
    assert "Ana" in accounts and "carol" not in accounts
    assert accounts.check("bob", "another long password") == "bob"
    assert len(EditorAccounts.from_env("")) == 0 and len(EditorAccounts.from_env(None)) == 0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{h}", "entry 2 has no ':' between the name and the hash"),
        ("bob={h}", "entry 2 has no ':'"),
        ("bob:not-a-hash", "entry 2: a stored hash is neither an argon2 nor a bcrypt hash"),
        # what docker compose leaves of a hash whose $ were not written as $$
        ("bob:{h_compose}", r"write each \$ as \$\$"),
        ("bob:{h_cut}", "entry 2: a stored hash is not a valid argon2 hash"),
        ("bo b:{h}", "entry 2: an editor's name has 1 to 64 letters"),
        (":{h}", "entry 2: an editor's name"),
        ("ANA:{h}", "entry 2 repeats the name of entry 1"),
    ],
)
def test_malformed_environment_entries_name_the_entry_never_the_hash(ana_hash, entry, message):
    bob = hash_password("another long password")
    cut = bob.rsplit("$", 1)[0]  # the salt without the digest: a paste cut short
    compose = bob.replace("$argon2id", "").replace("$v", "").replace("$m", "")
    text = f"ana:{ana_hash};" + entry.format(h=bob, h_cut=cut, h_compose=compose)
    with pytest.raises(AccountsError, match=message) as info:
        EditorAccounts.from_env(text)
    shown = str(info.value)
    assert acc.ENV_ACCOUNTS in shown
    for secret in (bob, cut, ana_hash, bob.rsplit("$", 1)[1], ana_hash.rsplit("$", 1)[1]):
        assert secret not in shown


def test_secrets_section_and_environment_together(ana_hash):
    bob = hash_password("another long password")
    accounts = EditorAccounts.load({"ana": ana_hash}, {acc.ENV_ACCOUNTS: f"bob:{bob}"})
    assert accounts.names() == ("ana", "bob")
    assert len(EditorAccounts.load(None, {})) == 0
    with pytest.raises(AccountsError, match="'ana' is in both") as info:
        EditorAccounts.load({"ana": ana_hash}, {acc.ENV_ACCOUNTS: f"Ana:{bob}"})
    assert bob not in str(info.value) and ana_hash not in str(info.value)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"ana": 12}, "account 'ana': the hash must be a quoted string"),
        ({"ana": "secret"}, "account 'ana': a stored hash is neither"),
        ({"a;b": "{h}"}, "account 'a;b': an editor's name"),
        ({"ana": "{h}", "ANA": "{h}"}, "account 'ANA' repeats the name 'ana'"),
    ],
)
def test_malformed_secrets_accounts_are_named(ana_hash, section, message):
    section = {k: v.format(h=ana_hash) if isinstance(v, str) else v for k, v in section.items()}
    with pytest.raises(AccountsError, match=message) as info:
        EditorAccounts.from_mapping(section)
    assert "[editors]" in str(info.value) and ana_hash not in str(info.value)


def test_names_may_be_in_any_script_and_e_mail_like():
    assert acc.check_name(" Åsa.Berg ") == "Åsa.Berg"
    assert acc.check_name("ана") == "ана" and acc.check_name("ana@itu.int") == "ana@itu.int"
    for bad in ("", "_ana", "ana:x", "a;b", "a b", "x" * 65, "$argon2id"):
        with pytest.raises(AccountsError):
            acc.check_name(bad)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_lets_three_failures_pass_then_doubles_the_wait_up_to_thirty_seconds():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    keys = [("name", "ana")]
    waits = []
    for _ in range(10):
        waits.append(throttle.wait(keys))
        clock.now += waits[-1]  # the attempt comes as soon as it may, and fails
        throttle.failed(keys)
    waits.append(throttle.wait(keys))
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30]
    assert throttle.failures(("name", "ana")) == 10


def test_throttle_counts_down_and_keys_add_up():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    session, name = ("session", "s1"), ("name", "ana")
    for _ in range(3):
        throttle.failed([session, name])
    throttle.failed([session])  # a fourth failure in this session, with another name
    assert throttle.wait([name]) == 1.0
    assert throttle.wait([session, ("name", "bob")]) == 2.0  # the longest wait of the keys
    clock.now += 1.5
    assert throttle.wait([name]) == 0.0 and throttle.wait([session]) == pytest.approx(0.5)
    assert throttle.wait([("session", "s2")]) == 0.0
    throttle.succeeded([session, name])
    assert throttle.wait([session, name]) == 0.0 and throttle.failures(name) == 0


def test_throttle_forgets_old_failures_and_bounds_its_memory():
    clock = FakeClock()
    throttle = Throttle(clock=clock, forget=900, max_keys=3)
    for _ in range(5):
        throttle.failed(["a"])
    clock.now += 901
    assert throttle.wait(["a"]) == 0.0 and throttle.failures("a") == 0
    for key in ("k1", "k2", "k3", "k4"):
        throttle.failed([key])
    assert len(throttle) == 3
    assert throttle.failures("k1") == 0 and throttle.failures("k4") == 1  # oldest dropped


def test_editor_emails_list_addresses_and_whole_domains():
    emails = EditorEmails.load(["Ana@Example.org", "@itu.int"], {acc.ENV_EDITOR_EMAILS: "b@x.io"})
    assert emails.allows("ana@example.org") and emails.allows(" ANA@EXAMPLE.ORG ")
    assert emails.allows("anyone@itu.int") and emails.allows("b@x.io")
    assert not emails.allows("anyone@evil.itu.int")  # no subdomains
    assert not emails.allows("ana@example.org.evil.com")
    assert not emails.allows("itu.int") and not emails.allows(None) and not emails.allows("")
    assert not EditorEmails.load(None, {}) and not EditorEmails.load(None, {}).allows("a@b.org")
    assert EditorEmails.load("a@b.org, @c.org", {}).allows("x@c.org")
    for bad in (["nobody"], ["a@b@c.org"], ["@localhost"], 42):
        with pytest.raises(AccountsError):
            EditorEmails.load(bad, {})
