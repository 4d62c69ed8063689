"""The real Atomic server's error answers (over loopback HTTP) become the typed errors; the address
a user gives may be the server's or its API base; the rate limiter keeps a scan under 180/min."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crmdesk.remote.atomic import AtomicBackend, connect_atomic, normalise_url
from crmdesk.remote.atomic.adapter import RATE_LIMITS
from crmdesk.remote.errors import AuthError, NotFound, ProtocolError, ServerError, ServerRejected
from crmdesk.remote.ratelimit import RateLimiter
from crmdesk.remote.transport import RetryPolicy

from .atomic_replay import TOKEN, Replay, answer, body_of, in_turn, listing
from .conftest import FakeClock


@pytest.fixture
def backend(replay_url: str, clock: FakeClock) -> Iterator[AtomicBackend]:
    """The adapter with two attempts per request, not the default five: a failure the transport
    retries ends after one retry."""
    client = connect_atomic(replay_url, TOKEN, clock=clock, config={"retry": RetryPolicy(max_attempts=2)})
    yield client
    client.close()


@pytest.mark.parametrize("given, root", [
    ("https://crm.example.com", "https://crm.example.com"),
    ("https://crm.example.com/", "https://crm.example.com"),
    ("https://crm.example.com/api", "https://crm.example.com"),
    ("https://crm.example.com/api/", "https://crm.example.com"),
    (" https://example.com/crm/api?x=1 ", "https://example.com/crm"),
    ("http://127.0.0.1:3311", "http://127.0.0.1:3311"),
])
def test_an_address_is_the_server_or_its_api(given: str, root: str) -> None:
    assert normalise_url(given) == root


@pytest.mark.parametrize("suffix", ["", "/api", "/api/"])
def test_both_addresses_reach_the_same_api(replay: Replay, replay_url: str, clock: FakeClock, suffix: str) -> None:
    replay.on("GET", "/api/contacts/1", "044")
    client = connect_atomic(replay_url + suffix, TOKEN, clock=clock)
    try:
        assert client.get_record("people", "contacts/1").id == "contacts/1"
    finally:
        client.close()
    assert [s.path for s in replay.requests("GET", "/api/contacts/1")] == ["/api/contacts/1"]


def test_a_refused_key_is_an_auth_error(replay_url: str, clock: FakeClock) -> None:
    client = connect_atomic(replay_url, "bos_crm_not-the-key", clock=clock)
    try:
        with pytest.raises(AuthError) as caught:
            client.members()
    finally:
        client.close()
    assert caught.value.message == "Unauthorized" and "bos_crm_not-the-key" not in str(caught.value)


def test_json_errors_are_typed(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contacts/999999", "046")
    with pytest.raises(NotFound):
        backend.get_record("people", "contacts/999999")
    # A malformed id (the server's 400 for "abc", 045) or one of another resource is no record of
    # this object: not found, without asking.
    for wrong in ("contacts/abc", "abc", "companies/1", "local-4f2a"):
        with pytest.raises(NotFound):
            backend.get_record("people", wrong)
    assert [s.path for s in replay.requests("GET")] == ["/api/contacts/999999"]


def test_a_plain_text_404_is_about_the_address_not_a_record(replay: Replay, backend: AtomicBackend) -> None:
    # Unrouted paths and methods answer text/plain "404 Not Found" (063, 133): a delete must not
    # take that for "already gone".
    replay.on("DELETE", "/api/contacts/9", "063")
    with pytest.raises(ProtocolError, match="“404 Not Found”") as caught:
        backend.delete_record("people", "contacts/9")
    assert not isinstance(caught.value, NotFound)


@pytest.mark.allow_log_warnings()
def test_a_plain_text_500_is_a_server_error_in_its_words(replay: Replay, backend: AtomicBackend, caplog) -> None:
    replay.on("GET", "/api/contacts/1", "094")
    with pytest.raises(ServerError, match="“Internal Server Error”"):
        backend.get_record("people", "contacts/1")
    assert len(replay.requests("GET", "/api/contacts/1")) == 2  # a read is asked again


@pytest.mark.allow_log_warnings()
def test_429_waits_the_servers_retry_after(replay: Replay, backend: AtomicBackend, clock: FakeClock) -> None:
    replay.on("GET", "/api/contacts/1", in_turn(lambda r, b: answer("178"), lambda r, b: answer("044")))
    assert backend.get_record("people", "contacts/1").id == "contacts/1"
    assert 57.0 in clock.sleeps  # Retry-After: 57 (seconds)


def test_an_answer_that_is_not_a_list_is_refused(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contacts", "044")  # one object where a list belongs
    with pytest.raises(ProtocolError, match="not a list"):
        list(backend.iter_record_pages("people"))


def test_unsupported_writes_are_rejections(backend: AtomicBackend) -> None:
    for call in (lambda: backend.create_list("x", "people"), lambda: backend.set_member_role("crm_users/1", "admin"),
                 lambda: backend.create_object("x", "X", "Xs"), lambda: backend.search("jane"),
                 lambda: backend.add_comment("people", "contacts/1", "hello")):
        with pytest.raises(ServerRejected) as caught:
            call()
        assert caught.value.code == "UNSUPPORTED"
    assert backend.lists() == [] and backend.notifications() == []
    assert backend.timeline("people", "contacts/1").events == []


def test_a_full_scan_stays_under_180_requests_a_minute(clock: FakeClock) -> None:
    limiter = RateLimiter(RATE_LIMITS, clock)
    times = []
    for _ in range(400):
        limiter.acquire(write=False)
        times.append(clock.monotonic())
    busiest = max(sum(1 for t in times if start <= t < start + 60.0) for start in times)
    # Reads fill 157 places of the minute (the rest wait for a user's edits), never more than 180.
    assert busiest == 157
    # And it is not slower than it must be: 400 reads take two minutes, not the 135 s of 2.95/s.
    assert clock.now == 2 * 60.0


def test_a_sync_of_a_few_dozen_requests_never_waits_and_an_edit_goes_past_a_long_scan(clock: FakeClock) -> None:
    limiter = RateLimiter(RATE_LIMITS, clock)
    for _ in range(157):  # reads' share of the 175 a minute
        limiter.acquire(write=False)
    assert clock.now == 0.0 and clock.sleeps == []
    for _ in range(18):  # a user's edits are not stuck behind the scan: the rest of the minute is theirs
        limiter.acquire(write=True)
    assert clock.now == 0.0
    limiter.acquire(write=False)  # the next read waits for the first to leave the minute
    assert clock.now == 60.0


def test_threads_sharing_the_window_each_wait_their_own_turn() -> None:
    import threading

    from crmdesk.remote.ratelimit import SlidingWindow

    class StoppedClock(FakeClock):
        """Time stands still while the threads book their turns: each wait is what it booked."""

        def sleep(self, seconds: float) -> None:
            self.sleeps.append(seconds)

    window = SlidingWindow(count=4, seconds=60.0, clock=StoppedClock())
    waits: list[float] = []
    start = threading.Barrier(8, timeout=30)

    def ask() -> None:
        start.wait()
        waits.append(window.acquire())

    threads = [threading.Thread(target=ask, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    # Four go at once; four wait for a place a minute later, none booking another's turn.
    assert sorted(waits) == [0.0] * 4 + [60.0] * 4


def test_a_scan_of_the_recorded_contacts_is_paced(replay: Replay, backend: AtomicBackend, clock: FakeClock) -> None:
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    list(backend.iter_record_pages("people", page_size=2))
    asked = len(replay.requests("GET", "/api/contacts")) + len(replay.requests("GET", "/api/configuration"))
    assert asked < 175 and clock.now == 0.0  # a short scan goes at once


def test_every_dialect_refuses_what_it_cannot_do_with_the_one_unsupported() -> None:
    """``unsupported`` lives in ``remote/errors.py`` (exported with the other errors); no dialect
    keeps its own copy or builds the ``UNSUPPORTED`` refusal inline."""
    from pathlib import Path

    import crmdesk.remote as remote
    from crmdesk.remote import errors
    from crmdesk.remote.aria import connect_aria
    from crmdesk.remote.atomic import session as atomic_session
    from crmdesk.remote.attio import session as attio_session

    assert remote.unsupported is errors.unsupported and "unsupported" in remote.__all__
    assert atomic_session.unsupported is errors.unsupported
    assert not hasattr(attio_session, "unsupported")
    refusal = errors.unsupported("Deleting a list", "the server cannot")
    assert (refusal.message, refusal.code, type(refusal)) == ("Deleting a list: the server cannot", "UNSUPPORTED",
                                                              ServerRejected)
    aria = connect_aria("http://127.0.0.1:9", "token")  # nothing listens: the refusal comes first
    try:
        with pytest.raises(ServerRejected) as caught:
            aria.add_comment("people", "r1", "Hello")
    finally:
        aria.close()
    assert caught.value.code == "UNSUPPORTED" and caught.value.message.startswith("Commenting: ")
    root = Path(errors.__file__).parent
    inline = [str(path.relative_to(root)) for path in root.rglob("*.py")
              if path.name != "errors.py" and 'code="UNSUPPORTED"' in path.read_text(encoding="utf-8")]
    assert inline == []
