"""Editor commands: `editor hash` turns a password into the argon2id hash a server stores."""

from __future__ import annotations

import argparse
import getpass
import sys
import warnings

from readiness.store.accounts import (
    ENV_ACCOUNTS,
    MIN_PASSWORD_LENGTH,
    SECRETS_SECTION,
    AccountsError,
    check_name,
    check_new_password,
    hash_password,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "editor",
        help="editor accounts of the dashboard (`editor hash` makes a password hash)",
        description="Editor accounts of the dashboard. See docs/EDITORS.md.",
    )
    actions = p.add_subparsers(dest="editor_command", required=True, metavar="ACTION")
    h = actions.add_parser(
        "hash",
        help="print the argon2id hash of a new editor password",
        description=(
            "Ask for a new editor password twice (never shown) and print its argon2id hash on "
            "stdout, then, on stderr, the lines to put in .streamlit/secrets.toml or in the "
            f"{ENV_ACCOUNTS} environment variable. The password needs at least "
            f"{MIN_PASSWORD_LENGTH} characters. Exits 2 when the two entries differ or the "
            "password is empty or too short. See docs/EDITORS.md."
        ),
    )
    h.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    h.add_argument(
        "--name",
        default=None,
        metavar="NAME",
        help="the editor's name, to print ready-to-paste lines for that account",
    )
    h.set_defaults(handler=_hash)


def _hash(args: argparse.Namespace) -> int:
    name = check_name(args.name) if args.name is not None else None
    password = _from_stdin() if args.password_stdin else _from_terminal()
    hashed = hash_password(password)
    print(hashed)
    label = name or "NAME"
    print(
        f'In .streamlit/secrets.toml:\n[{SECRETS_SECTION}]\n{_toml_key(label)} = "{hashed}"\n'
        f"or in the environment (entries separated by ';'; in a docker compose file write "
        f"each $ as $$):\n{ENV_ACCOUNTS}='{label}:{hashed}'",
        file=sys.stderr,
    )
    return 0


def _from_stdin() -> str:
    """The first line of standard input, without its line ending."""
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


def _from_terminal() -> str:
    """The password typed twice at the terminal, never echoed."""
    try:
        with warnings.catch_warnings():
            # getpass falls back to an echoing prompt when there is no terminal: refuse instead.
            warnings.simplefilter("error", getpass.GetPassWarning)
            first = getpass.getpass("New editor password: ")
            check_new_password(first)
            second = getpass.getpass("The same password again: ")
    except getpass.GetPassWarning:
        raise AccountsError(
            "no terminal to ask for the password without showing it: pipe it in with "
            "--password-stdin"
        ) from None
    except EOFError:
        raise AccountsError("no password given") from None
    if first != second:
        raise AccountsError("the two passwords differ: nothing was hashed")
    return first


def _toml_key(name: str) -> str:
    """`name` as a TOML key: bare when it may be, else quoted."""
    bare = all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    return name if bare else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
