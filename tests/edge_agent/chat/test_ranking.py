"""Fusion, features and the logistic decision model."""
from __future__ import annotations

import random

import pytest

from edge_agent.chat import ranking
from edge_agent.chat.ranking import FEATURES, DecisionModel, features, fit_logistic, fuse


def test_fusion_rewards_agreement_and_the_question_language():
    dense = [("a", 0.9), ("b", 0.88), ("c", 0.80)]
    lexical = [("b", 5.0, 0.8, 0.1), ("c", 3.0, 0.5, 0.4)]
    ranked = fuse(dense, lexical, {"a": "zh", "b": "zh", "c": "en"}, "zh")
    # found by both rankings beats first in one; the language bonus does not outweigh a second ranking
    assert [c.entry_id for c in ranked] == ["b", "c", "a"]
    same = fuse([("x", 0.9), ("y", 0.9)], [], {"x": "en", "y": "zh"}, "zh")
    assert [c.entry_id for c in same] == ["y", "x"]  # the question's language breaks a near tie
    assert ranked[0].dense_rank == 2 and ranked[0].lexical_rank == 1 and ranked[0].coverage == 0.8
    only_dense = next(c for c in ranked if c.entry_id == "a")
    assert only_dense.lexical_rank == 0 and only_dense.missing == 1.0


def test_features_of_the_best_candidate():
    ranked = fuse([("a", 0.95), ("b", 0.90)], [("a", 4.0, 0.9, 0.0)], {"a": "en", "b": "en"}, "en")
    x = features(ranked, scope_similarity=0.85, n_tokens=4)
    got = dict(zip(FEATURES, x))
    assert got["dense"] == 0.95 and got["dense_margin"] == pytest.approx(0.05)
    assert got["agree"] == 1.0 and got["scope_gap"] == pytest.approx(-0.10) and got["bias"] == 1.0
    assert features([], None, 0) == [0.0] * len(FEATURES)


def test_fit_logistic_separates_separable_data():
    rng = random.Random(3)
    xs, ys = [], []
    for _ in range(300):
        y = rng.random() < 0.4
        margin = rng.gauss(0.05 if y else 0.005, 0.01)
        xs.append([0.9, margin, 0.5, 0.5, 0.5, 0.0, 0.0, 1.0, 1.0])
        ys.append(int(y))
    model = DecisionModel(fit_logistic(xs, ys))
    right = sum((model.probability(x) >= 0.5) == bool(y) for x, y in zip(xs, ys))
    assert right / len(ys) > 0.9
    assert model.weights[1] > 0  # a larger margin means more confident


def test_save_load_round_trip_and_feature_mismatch(tmp_path):
    model = DecisionModel(tuple(float(i) for i in range(len(FEATURES))), 0.6, 0.4, "test", 12)
    path = tmp_path / "calibration.json"
    model.save(path, {"note": "x"})
    assert DecisionModel.load(path) == model
    path.write_text('{"features": ["dense"], "weights": [1], "answer_at": 0.5, "clarify_at": 0.3}')
    with pytest.raises(ValueError, match="calibrate"):
        DecisionModel.load(path)


def test_the_shipped_model_loads_with_its_reference_rows():
    model = ranking.default_model()
    xs, ys = ranking.reference_rows()
    assert len(model.weights) == len(FEATURES) and 0 < model.clarify_at <= model.answer_at < 1
    assert len(xs) == len(ys) > 100 and all(len(x) == len(FEATURES) for x in xs) and 0 < sum(ys) < len(ys)
