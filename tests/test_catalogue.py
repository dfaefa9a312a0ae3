"""Catalogues: every entity type and every error code is registered once, named in zh/en and documented."""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import edge_agent
from edge_agent.chat import messages
from edge_agent.errors import EdgeError
from guardrails import entities
from guardrails.detector import REGISTRY

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_block(name: str) -> str:
    """The README text between `<!-- name:start … -->` and `<!-- name:end -->`."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start[^>]*-->\n(.*?)\n<!-- {name}:end -->", text, re.S)
    assert match, f"README.md has no {name}:start/{name}:end block"
    return match.group(1)


def table_first_column(block: str) -> list[str]:
    """The `code`-quoted first cells of a Markdown table's body rows."""
    return re.findall(r"^\| `([^`]+)` \|", block, re.M)


def emitted_entity_types() -> set[str]:
    """Every entity type any registered recognizer can report (built without spaCy)."""
    return {e for spec in REGISTRY for e in spec.build(None).supported_entities}


# --- entities ---------------------------------------------------------------------------------------

def test_every_emitted_entity_type_is_registered():
    assert emitted_entity_types() <= set(entities.BY_NAME)


def test_registry_holds_nothing_the_recognizers_cannot_emit():
    assert set(entities.BY_NAME) <= emitted_entity_types()


def test_registry_names_are_unique_and_upper_snake():
    names = [e.name for e in entities.ENTITIES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", n) for n in names)


@pytest.mark.parametrize("entity", entities.ENTITIES, ids=lambda e: e.name)
def test_entity_has_notice_and_chip_in_both_languages(entity):
    for lang in entities.LANGS:
        assert messages.TYPE_NAMES[lang][entity.name] == entity.notice(lang)
        assert entity.notice(lang).strip() and entity.hidden(lang).strip()
    assert re.search(r"[\u4e00-\u9fff]", entity.notice_zh) and re.search(r"[\u4e00-\u9fff]", entity.hidden_zh)
    assert entity.notice_en.isascii() and entity.hidden_en.isascii()


@pytest.mark.parametrize("entity", entities.ENTITIES, ids=lambda e: e.name)
def test_masked_notice_names_each_type(entity):
    for lang in entities.LANGS:
        assert messages.masked_notice(lang, [entity.name]) == messages.MASKED[lang].format(types=entity.notice(lang))


def test_notice_knows_only_registered_types():
    for lang in entities.LANGS:
        assert set(messages.TYPE_NAMES[lang]) == set(entities.BY_NAME)


def test_detector_priority_comes_from_registry():
    assert dict(entities.PRIORITY) == {e.name: e.priority for e in entities.ENTITIES}
    assert entities.PRIORITY["CN_RESIDENT_ID"] > entities.PRIORITY["CREDIT_CARD"] > entities.PRIORITY["PHONE_NUMBER"]
    assert entities.PRIORITY["PERSON"] == min(entities.PRIORITY.values())


def test_readme_entity_table_is_the_generated_one():
    assert readme_block("entities") == entities.markdown_table(), \
        "README.md's entity table is stale: paste `python -m guardrails.entities` between its markers"


def test_readme_has_one_row_per_entity_type():
    assert sorted(table_first_column(readme_block("entities"))) == sorted(entities.BY_NAME)


def test_kiosk_page_shows_a_chip_for_every_type(client):
    page = client.get("/").get_data(as_text=True)
    for entity in entities.ENTITIES:
        for lang in entities.LANGS:
            assert f'"hidden_{entity.name}": "{entity.hidden(lang)}"' in page
    assert '"hidden_value"' in page


# --- error codes ------------------------------------------------------------------------------------

def error_classes() -> list[type[EdgeError]]:
    """EdgeError and every subclass defined anywhere in edge_agent/ (imports every module)."""
    for info in pkgutil.walk_packages(edge_agent.__path__, "edge_agent."):
        importlib.import_module(info.name)
    found: list[type[EdgeError]] = [EdgeError]
    stack = [EdgeError]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub.__module__.startswith("edge_agent.") and sub not in found:
                found.append(sub)
                stack.append(sub)
    return found


# Codes set on an error instance rather than a class: the code and the module that sets it.
INSTANCE_CODES = {"http_error": "edge_agent/web/errors.py"}


def test_every_error_class_names_its_own_code():
    lazy = [c.__qualname__ for c in error_classes() if "code" not in vars(c)]
    assert not lazy, f"these error classes inherit their parent's code instead of naming their own: {lazy}"


def test_error_codes_are_unique():
    codes: dict[str, str] = {}
    for cls in error_classes():
        where = f"{cls.__module__}.{cls.__qualname__}"
        assert cls.code not in codes, f"{cls.code!r} is the code of both {codes[cls.code]} and {where}"
        codes[cls.code] = where
    assert not set(codes) & set(INSTANCE_CODES)


def test_instance_codes_are_still_set_where_listed():
    root = Path(edge_agent.__file__).resolve().parents[1]
    for code, path in INSTANCE_CODES.items():
        assert f'"{code}"' in (root / path).read_text(encoding="utf-8")


def test_readme_documents_every_error_code_once_with_its_status():
    block = readme_block("errors")
    documented = table_first_column(block)
    assert len(documented) == len(set(documented))
    classes = {c.code: c for c in error_classes()}
    assert set(documented) == set(classes) | set(INSTANCE_CODES)
    for code, cls in classes.items():
        assert re.search(rf"^\| `{code}` \| {cls.status} \|", block, re.M), f"README gives {code} another status"
