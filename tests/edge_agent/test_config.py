import dataclasses
from pathlib import Path

import pytest

from edge_agent.config import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_defaults():
    s = Settings.load(environ={})
    assert s.port == 8080 and s.data_dir == Path("data") and s.max_message_chars == 2000


def test_precedence_defaults_file_env_flags(tmp_path):
    cfg = tmp_path / "edge.toml"
    cfg.write_text('port = 9000\nmax_tokens = 50\nlog_level = "DEBUG"\n')
    s = Settings.load(cfg, environ={"EDGE_PORT": "9100", "EDGE_MAX_TOKENS": "60"}, overrides={"port": 9200})
    assert (s.port, s.max_tokens, s.log_level) == (9200, 60, "DEBUG")


def test_config_file_from_env_and_section(tmp_path):
    cfg = tmp_path / "edge.toml"
    cfg.write_text('[edge_agent]\nmodel_path = "models/big.gguf"\n')
    s = Settings.load(environ={"EDGE_CONFIG": str(cfg)})
    assert s.model_path == Path("models/big.gguf")


@pytest.mark.parametrize("env, message", [
    ({"EDGE_PORT": "0"}, "below the minimum"),            # port out of range
    ({"EDGE_PORT": "http"}, "cannot read"),               # not a number
    ({"EDGE_ANSWER_MODE": "guess"}, "not one of"),        # unknown choice
    ({"EDGE_NO_SUCH_THING": "1"}, "unknown setting"),     # typo in a variable name
    ({"EDGE_STREAM_DRAFTS": "maybe"}, "cannot read"),     # not a boolean
])
def test_bad_values_are_clear_errors(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.load(environ=env)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="not found"):
        Settings.load(tmp_path / "nope.toml", environ={})


def test_every_setting_has_a_description_and_is_documented():
    from edge_agent.cli import settings_markdown

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(Settings):
        assert f.metadata.get("description"), f.name
    assert settings_markdown() in readme, "README's settings table is stale: run `edge-agent config --markdown`"


def test_only_config_reads_environ():
    offenders = [p for pkg in ("edge_agent", "guardrails") for p in (ROOT / pkg).rglob("*.py")
                 if "os.environ" in p.read_text(encoding="utf-8") and p.name != "config.py"]
    assert offenders == []
