"""Issue 12, Low: a JSON body nested deeper than the parser's recursion limit is a 400 in the one error shape,
never a 500."""
from __future__ import annotations

import pytest

DEPTH = 3_000  # past the recursion limit, inside the body-size limit


@pytest.mark.parametrize("body", [
    "[" * DEPTH + "]" * DEPTH,                                   # arrays in arrays
    '{"a":' * DEPTH + "1" + "}" * DEPTH,                         # objects in objects
    '{"session_id": "nested-0001", "message": ' + "[" * DEPTH + "]" * DEPTH + "}",  # deep inside a valid start
])
@pytest.mark.parametrize("path", ["/api/chat", "/api/chat/stream", "/api/session/messages", "/api/session/end"])
def test_deeply_nested_json_is_a_400(client, path, body):
    resp = client.post(path, data=body, content_type="application/json")
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    assert resp.get_json()["error"]["code"] == "bad_request"


def test_ordinary_nesting_still_parses(client):
    resp = client.post("/api/chat", json={"session_id": "nested-0002", "message": "你好", "extra": [[[[1]]]]})
    assert resp.status_code == 200
