"""The knowledge base's intent head: fitting, ordering the dense candidates, saving and loading."""
from __future__ import annotations

import numpy as np
import pytest

from edge_agent.chat.head import IntentHead, fit_head
from edge_agent.chat.retriever import reorder


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


@pytest.fixture(scope="module")
def toy() -> tuple[IntentHead, np.ndarray]:
    """Three entries whose phrasings lie around three directions, with one shared nuisance direction."""
    rng = np.random.default_rng(1)
    centres = unit(rng.normal(size=(3, 16)))
    nuisance = unit(rng.normal(size=16))
    xs, owners = [], []
    for k in range(3):
        for _ in range(6):
            xs.append(unit(centres[k] + 0.8 * nuisance * rng.normal() + 0.15 * rng.normal(size=16)))
            owners.append(k)
    return fit_head(np.asarray(xs), owners, ("a", "b", "c"), "toy"), centres


def test_the_head_puts_each_entrys_own_direction_first(toy):
    head, centres = toy
    for k, name in enumerate("abc"):
        assert head.order(centres[k], 1) == [name]
        assert head.order(centres[k], 3)[0] == name and sorted(head.order(centres[k], 3)) == ["a", "b", "c"]


def test_order_keeps_to_the_allowed_entries(toy):
    head, centres = toy
    assert head.order(centres[0], 2, frozenset({"b", "c"})) == sorted(
        head.order(centres[0], 2, frozenset({"b", "c"})), key=lambda e: -head.logits(centres[0])[head.index[e]])
    assert "a" not in head.order(centres[0], 2, frozenset({"b", "c"}))


def test_reorder_permutes_known_entries_and_keeps_new_ones_in_place(toy):
    head, centres = toy
    dense = [("c", 0.9), ("new", 0.85), ("a", 0.8), ("b", 0.7)]
    out = reorder(head, list(centres[0]), dense)
    assert out[0] == ("a", 0.8)  # the head's choice first, with its own cosine
    assert out[1] == ("new", 0.85)  # an entry added after fitting keeps its place
    assert sorted(out) == sorted(dense)


def test_reorder_leaves_a_list_it_cannot_judge_alone(toy):
    head, centres = toy
    assert reorder(head, list(centres[0]), [("x", 0.9), ("c", 0.5)]) == [("x", 0.9), ("c", 0.5)]


def test_save_and_load_round_trip(toy, tmp_path):
    head, centres = toy
    path = tmp_path / "intent_head.npz"
    head.save(path)
    again = IntentHead.load(path)
    assert again.entry_ids == head.entry_ids and again.fitted_on == "toy"
    assert np.allclose(again.logits(centres[1]), head.logits(centres[1]))


@pytest.mark.parametrize("content", [b"", b"not a numpy file", b"PK\x03\x04broken zip"])
def test_a_damaged_file_is_a_value_error(tmp_path, content):
    path = tmp_path / "intent_head.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError):
        IntentHead.load(path)


def test_fitting_needs_question_views():
    with pytest.raises(ValueError):
        fit_head(np.zeros((0, 4)), [], ("a",))
