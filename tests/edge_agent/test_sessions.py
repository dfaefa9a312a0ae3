"""The session registry: binding to the first client, expiry, and caps that a flood cannot turn on others."""
import pytest

from edge_agent.errors import SessionForbidden
from edge_agent.sessions import SessionRegistry


def test_claim_binds_and_refuses_another_owner():
    reg = SessionRegistry(idle_s=60, max_sessions=10)
    assert reg.claim("session-0001", "owner-a", "10.0.0.1") is True
    assert reg.claim("session-0001", "owner-a", "10.0.0.1") is False
    with pytest.raises(SessionForbidden):
        reg.claim("session-0001", "owner-b", "10.0.0.2")
    with pytest.raises(SessionForbidden):
        reg.owned("session-0001", "owner-b")
    assert reg.owned("session-0001", "owner-a") is not None and reg.owned("session-9999", "owner-a") is None


def test_a_flood_from_one_address_evicts_its_own_sessions_not_other_customers():
    reg = SessionRegistry(idle_s=600, max_sessions=10_000, max_per_address=50)
    for i in range(5):  # real customers at two kiosks
        reg.claim(f"customer-{i:04d}", f"owner-{i}", "10.0.0.1" if i % 2 else "10.0.0.2")
        reg.get(f"customer-{i:04d}").vault.placeholder_for("PHONE_NUMBER", "13912345678")
    for i in range(10_000):  # the flood: every id new, all from one address
        reg.claim(f"flood-{i:06d}", "attacker", "10.9.9.9")
    assert reg.count_for("10.9.9.9") == 50 and len(reg) == 55
    for i in range(5):
        assert len(reg.owned(f"customer-{i:04d}", f"owner-{i}").vault) == 1  # kept, vault intact


def test_past_the_total_the_busiest_address_loses_its_idlest():
    reg = SessionRegistry(idle_s=600, max_sessions=20, max_per_address=0)
    reg.claim("customer-0001", "owner", "10.0.0.1")
    for i in range(100):
        reg.claim(f"flood-{i:06d}", "attacker", "10.9.9.9")
    assert len(reg) == 20 and reg.owned("customer-0001", "owner") is not None
    assert reg.owned("flood-000099", "attacker") is not None and reg.owned("flood-000000", "attacker") is None


def test_idle_sessions_expire_and_are_wiped(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("edge_agent.sessions.time.monotonic", lambda: now[0])
    reg = SessionRegistry(idle_s=60, max_sessions=10)
    reg.claim("session-0001", "owner", "10.0.0.1")
    vault = reg.get("session-0001").vault
    vault.placeholder_for("PHONE_NUMBER", "13912345678")
    now[0] += 61
    assert len(reg) == 0 and len(vault) == 0 and reg.count_for("10.0.0.1") == 0
