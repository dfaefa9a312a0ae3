"""The knowledge base's intent head: fitting, ordering the dense candidates, saving and loading."""
from __future__ import annotations

import numpy as np
import pytest

from edge_agent.chat.head import IntentHead, cross_validate, fit_head
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
        logp = head.log_probabilities(centres[k])
        assert head.entry_ids[int(np.argmax(logp))] == name
        assert np.isclose(np.exp(logp).sum(), 1.0)  # a distribution over every entry


def test_reorder_puts_the_heads_choice_first_with_its_own_cosine(toy):
    head, centres = toy
    dense = [("c", 0.9), ("a", 0.85), ("b", 0.7)]
    out = reorder(head, list(centres[0]), dense)
    assert out[0] == ("a", 0.85)
    assert sorted(out) == sorted(dense)


def test_an_entry_added_after_fitting_gets_the_uninformed_probability(toy):
    head, centres = toy
    # the head rules "c" out for a question about "a"; an entry it has never seen is not ruled out
    assert reorder(head, list(centres[0]), [("c", 0.8), ("new", 0.75)])[0][0] == "new"
    # ... but it does not beat the entry the head is sure of at a similar cosine
    assert reorder(head, list(centres[0]), [("new", 0.8), ("a", 0.78)])[0][0] == "a"


def test_reorder_of_nothing_is_nothing(toy):
    head, centres = toy
    assert reorder(head, list(centres[0]), []) == []


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


def test_cross_validation_prefers_the_head_where_a_shared_direction_misleads_similarity():
    """Phrasings that share a strong nuisance direction (like "how do I … my card" in every banking intent):
    nearest-neighbour search is misled by it, the head learns to ignore it."""
    rng = np.random.default_rng(3)
    k, dim = 8, 24
    centres = unit(rng.normal(size=(k, dim)))
    nuisance = unit(rng.normal(size=(3, dim)))
    xs, owners = [], []
    for c in range(k):
        for _ in range(10):
            xs.append(unit(0.35 * centres[c] + nuisance.T @ rng.normal(size=3) + 0.1 * rng.normal(size=dim)))
            owners.append(c)
    head_acc, near_acc = cross_validate(np.asarray(xs), owners, centres)
    assert head_acc > near_acc + 0.05, (head_acc, near_acc)


def test_cross_validation_without_enough_phrasings_scores_nothing():
    assert cross_validate(np.zeros((0, 4)), [], np.zeros((2, 4))) == (0.0, 0.0)


def test_serve_reads_the_saved_head_and_ignores_a_damaged_one(toy, tmp_path):
    from edge_agent.config import Settings
    from edge_agent.services import intent_head

    head, _ = toy
    settings = Settings.from_mapping({"data_dir": tmp_path})
    assert intent_head(settings) is None  # none fitted: similarity order
    head.save(settings.intent_head_path)
    assert intent_head(settings).entry_ids == head.entry_ids
    settings.intent_head_path.write_bytes(b"garbage")
    assert intent_head(settings) is None
