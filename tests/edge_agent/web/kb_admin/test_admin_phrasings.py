"""Staff add similar questions to an entry on /admin/kb: guarded, searchable at once, kept across re-uploads,
chained into the audit trail."""
from __future__ import annotations

from tests.edge_agent.web.kb_admin.conftest import ACCOUNTS, page_token
from tests.edge_agent.web.kb_admin.test_admin_kb import LOUNGE, LOUNGE_V2, kb_events, upload, verify
from tests.edge_agent.web.test_api import assert_error

ENTRY = "zephyr-lounge.md#0"


def add(client, entry: str, text: str, token: str | None = "page"):
    data = {"entry": entry, "phrasings": text}
    if token == "page":
        token = page_token(client, f"/admin/kb/entries?doc={entry.rpartition('#')[0]}")
    if token is not None:
        data["csrf_token"] = token
    return client.post("/admin/kb/phrasings", data=data)


def test_added_questions_are_searchable_kept_on_reupload_and_chained(admin, fake_services, settings):
    assert upload(admin, ("zephyr-lounge.md", LOUNGE.encode())).status_code == 200
    page = admin.get("/admin/kb/entries?doc=zephyr-lounge.md")
    assert page.status_code == 200 and "Opening hours" in page.get_data(as_text=True)
    resp = add(admin, ENTRY, "when does the sky bar open\n\nwhen does the sky bar open\n几点开门")
    assert resp.status_code == 303
    hit = fake_services.knowledge.get_entries([ENTRY])[ENTRY]
    assert hit.phrasings == ("when does the sky bar open", "几点开门")  # once each
    assert fake_services.knowledge.lexical("sky bar", 3)[0].entry_id == ENTRY  # searchable at once
    event = kb_events(fake_services)[-1]
    assert event["action"] == "phrasings" and event["doc_id"] == "zephyr-lounge.md"
    assert event["actor"] == ACCOUNTS["admin"]
    assert "sky bar" not in str(event)  # the chain holds a hash of the questions, not their text
    # a new version of the document keeps the staff's questions
    assert upload(admin, ("zephyr-lounge.md", LOUNGE_V2.encode())).status_code == 200
    again = fake_services.knowledge.get_entries([ENTRY])[ENTRY]
    assert "eight" in again.text and again.phrasings == ("when does the sky bar open", "几点开门")
    assert verify(settings).ok


def test_personal_data_in_a_typed_question_is_masked(admin, fake_services):
    upload(admin, ("zephyr-lounge.md", LOUNGE.encode()))
    assert add(admin, ENTRY, "my card 6222021234567890123 lounge access").status_code == 303
    phrasings = fake_services.knowledge.get_entries([ENTRY])[ENTRY].phrasings
    assert phrasings and "6222021234567890123" not in phrasings[0] and "<CREDIT_CARD" in phrasings[0]


def test_bad_submissions(admin, fake_services):
    upload(admin, ("zephyr-lounge.md", LOUNGE.encode()))
    assert add(admin, ENTRY, "   \n ").status_code == 400
    assert add(admin, ENTRY, "\n".join(f"q{i}" for i in range(21))).status_code == 400
    assert add(admin, "zephyr-lounge.md#9", "x").status_code == 404
    assert admin.get("/admin/kb/entries?doc=nothing.md").status_code == 404
    assert_error(add(admin, ENTRY, "x", token=None), 403, "csrf_failed")


def test_only_admins(client, accounts, fake_services):
    from tests.edge_agent.web.kb_admin.conftest import login

    assert login(client, ACCOUNTS["agent"]).status_code == 303
    assert client.get("/admin/kb/entries?doc=bank/lost-card.zh.md").status_code == 403
