from pathlib import Path

import guardrails

ROOT = Path(__file__).resolve().parents[1]


def test_guardrails_is_this_repository_package():
    """guardrails-ai also imports as `guardrails`; it must not shadow ours."""
    assert Path(guardrails.__file__).resolve().is_relative_to(ROOT)


def test_no_runtime_download_calls_in_product_code():
    banned = ("hf_hub_download", "snapshot_download", "spacy.cli.download", "from_pretrained(",
              "anonymized_telemetry=True")
    for pkg in ("edge_agent", "guardrails"):
        for path in (ROOT / pkg).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not any(b in text for b in banned), path
