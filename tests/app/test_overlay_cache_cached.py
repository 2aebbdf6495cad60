"""token_cache: values of the committed data built once and shared, `.cached`, the LRU."""

from __future__ import annotations

import pytest

from dashboard.overlay_cache import BASE_TOKEN, token_cache


def test_cached_after_a_call_and_forgotten_on_eviction_and_clear():
    calls: list[int] = []

    @token_cache(1)
    def square(token: str, x: int, _ignored: object = None) -> int:
        calls.append(x)
        return x * x

    assert not square.cached(BASE_TOKEN, 2)
    assert square(BASE_TOKEN, 2) == 4
    assert square.cached(BASE_TOKEN, 2) and square.cached(BASE_TOKEN, 2, object())
    assert square(BASE_TOKEN, 3) == 9  # one entry: 2 is evicted
    assert not square.cached(BASE_TOKEN, 2)
    assert square.cached(BASE_TOKEN, 3)
    square.clear()
    assert not square.cached(BASE_TOKEN, 3)
    assert calls == [2, 3]


def test_uploaded_data_is_never_reported_cached():
    @token_cache(4)
    def double(token: str, x: int) -> int:
        return 2 * x

    assert double("someone-elses-upload", 2) == 4
    assert not double.cached("someone-elses-upload", 2)


def test_shared_values_build_once_for_many_sessions_at_once():
    """Twenty sessions ask for one missing value together: one build, every one gets it."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from dashboard.overlay_cache import SharedValues

    values = SharedValues(4)
    builds: list[int] = []
    gate = threading.Barrier(20)

    def build() -> object:
        builds.append(1)
        time.sleep(0.05)  # long enough for the others to arrive while it builds
        return object()

    def ask(_: int) -> object:
        gate.wait()
        return values.get_or_build(("base", "map"), build)

    with ThreadPoolExecutor(20) as pool:
        got = list(pool.map(ask, range(20)))
    assert len(builds) == 1
    assert all(g is got[0] for g in got)


def test_shared_values_drop_the_least_recently_used_and_keep_no_failure():
    from dashboard.overlay_cache import SharedValues

    values = SharedValues(2)
    values.get_or_build(("a",), lambda: "A")
    values.get_or_build(("b",), lambda: "B")
    assert values.get_or_build(("a",), lambda: "rebuilt") == "A"  # a is now the most recent
    values.get_or_build(("c",), lambda: "C")  # b goes
    assert ("a",) in values and ("c",) in values and ("b",) not in values

    def fail() -> str:
        raise ValueError("no data")

    with pytest.raises(ValueError, match="no data"):
        values.get_or_build(("d",), fail)
    assert ("d",) not in values
    assert values.get_or_build(("d",), lambda: "D") == "D"  # the next call builds again
    values.clear()
    assert ("a",) not in values


def test_an_unhashable_argument_is_cached_by_streamlit_by_content():
    calls: list[list[int]] = []

    @token_cache(4)
    def total(token: str, xs: list[int]) -> int:
        calls.append(xs)
        return sum(xs)

    assert total(BASE_TOKEN, [1, 2]) == 3
    assert total(BASE_TOKEN, [1, 2]) == 3
    assert total(BASE_TOKEN, [1, 3]) == 4
    assert calls == [[1, 2], [1, 3]]
    assert not total.cached(BASE_TOKEN, [1, 2])  # not known to be kept: a spinner may show


def test_keyword_and_positional_calls_share_one_value():
    calls: list[int] = []

    @token_cache(4)
    def scaled(token: str, x: int, factor: int = 2) -> int:
        calls.append(x)
        return x * factor

    assert scaled(BASE_TOKEN, 3) == 6
    assert scaled(BASE_TOKEN, 3, 2) == 6
    assert scaled(token=BASE_TOKEN, x=3, factor=2) == 6
    assert calls == [3]
    assert scaled.cached(BASE_TOKEN, 3, factor=2)
