"""token_cache's `.cached`: True only while the shared cache surely holds a call's value."""

from __future__ import annotations

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
