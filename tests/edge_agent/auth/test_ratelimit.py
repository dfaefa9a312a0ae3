"""Sign-in lock-outs: per user name and per client address, exponential, bounded memory."""
from __future__ import annotations

import dataclasses

from edge_agent.auth.ratelimit import Limits, LoginLimiter
from edge_agent.auth.services import auth_services
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, login


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Clock, capacity: int = 100) -> LoginLimiter:
    return LoginLimiter(Limits(5, 30.0, 900.0), Limits(20, 30.0, 900.0), capacity=capacity, clock=clock)


def test_five_failures_lock_the_name_and_it_doubles():
    clock = Clock()
    lim = limiter(clock)
    for _ in range(4):
        lim.failure("alice", "10.0.0.1")
    assert lim.retry_after("alice", "10.0.0.2") == 0
    lim.failure("alice", "10.0.0.1")
    assert lim.retry_after("alice", "10.0.0.2") == 30  # from any address
    assert lim.retry_after("bob", "10.0.0.2") == 0      # other names are not affected
    clock.now += 30
    assert lim.retry_after("alice", "10.0.0.2") == 0
    lim.failure("alice", "10.0.0.1")
    assert lim.retry_after("alice", "10.0.0.1") == 60
    for _ in range(10):
        clock.now += 900  # each lock has run out, but the name was never quiet for longer than the cap
        lim.failure("alice", "10.0.0.1")
    assert lim.retry_after("alice", "10.0.0.1") == 900  # capped


def test_success_clears_the_name_and_quiet_names_are_forgotten():
    clock = Clock()
    lim = limiter(clock)
    for _ in range(4):
        lim.failure("alice", "a")
    lim.success("alice")
    lim.failure("alice", "a")
    assert lim.retry_after("alice", "a") == 0
    for _ in range(4):
        lim.failure("carol", "b")
    clock.now += 901
    lim.failure("carol", "b")  # the earlier failures are too old to count
    assert lim.retry_after("carol", "b") == 0


def test_one_address_trying_many_names_is_locked():
    lim = limiter(Clock())
    for i in range(20):
        lim.failure(f"user{i}", "10.0.0.9")
    assert lim.retry_after("someone-else", "10.0.0.9") == 30
    assert lim.retry_after("someone-else", "10.0.0.8") == 0


def test_memory_is_bounded():
    lim = limiter(Clock(), capacity=50)
    for i in range(500):
        lim.failure(f"user{i}", f"10.0.{i // 250}.{i % 250}")
    names, addresses = lim.tracked()
    assert names == 50 and addresses == 50


def test_web_sign_in_locks_after_five_failures(app, client, accounts):
    for _ in range(5):
        assert login(client, ACCOUNTS["auditor"], "Wrong-password-000").status_code == 401
    resp = login(client, ACCOUNTS["auditor"], PASSWORD)  # even the right password waits
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) == 30
    assert "登录失败次数过多" in resp.get_data(as_text=True)
    assert client.get("/audit").status_code == 302
    assert login(client, ACCOUNTS["admin"], PASSWORD).status_code == 303  # other names still work


def test_web_lockout_for_unknown_names_too(app, client, accounts):
    for _ in range(5):
        login(client, "ghost", "Wrong-password-000")
    assert login(client, "ghost", "Wrong-password-000").status_code == 429
    assert auth_services(app).limiter.retry_after("ghost", "127.0.0.1") > 0


def test_settings_drive_the_limits(fake_services):
    settings = dataclasses.replace(fake_services.settings, login_max_failures=2, login_lockout_s=7.0)
    lim = LoginLimiter.from_settings(settings)
    lim.failure("x", "y")
    lim.failure("x", "y")
    assert 6 < lim.retry_after("x", "z") <= 7
