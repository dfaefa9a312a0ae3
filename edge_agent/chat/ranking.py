"""Fuse dense and lexical candidates, describe the result with features, and decide: answer, clarify or decline.

Both the running service (candidates from Chroma and the BM25 index) and ``edge-agent kb calibrate``
(candidates computed in memory with the probe left out) call the same two functions here, so the decision
model is fitted on exactly the features it is later applied to:

* ``fuse`` — weighted reciprocal-rank fusion of the dense ranking (best of an entry's passage and question
  vectors) and the BM25 ranking, with a small preference for entries in the question's language;
* ``features`` — what the decision model reads about the best entry: its dense score, its margin over the
  runner-up, the idf-weighted share of the question's words it contains, its BM25 rank, whether the dense
  and lexical rankings agree, the nearest out-of-scope intent's similarity relative to it, question length.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Mapping, Sequence

RRF_K = 10.0
LEXICAL_WEIGHT = 0.8
SAME_LANG_BONUS = 0.02
FEATURES = ("dense", "dense_margin", "coverage", "missing", "lexical_top", "agree", "scope_gap", "length", "bias")
CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class Candidate:
    """An entry as both rankings saw it."""

    entry_id: str
    lang: str
    dense: float  # cosine, best view (0 when the dense search did not return it)
    dense_rank: int  # 1-based; 0 = not returned
    lexical: float  # BM25, best view
    lexical_rank: int
    coverage: float  # idf-weighted share of the question's tokens found in the entry
    missing: float  # rarest question token the entry lacks (idf / largest idf); 1.0 when no word matched
    fused: float


def fuse(dense: Sequence[tuple[str, float]], lexical: Sequence[tuple[str, float, float, float]],
         langs: Mapping[str, str], lang: str) -> list[Candidate]:
    """Weighted reciprocal-rank fusion; ``lexical`` holds (entry, bm25, coverage, missing). Best first."""
    d = {e: (i + 1, s) for i, (e, s) in enumerate(dense)}
    lx = {e: (i + 1, s, c, m) for i, (e, s, c, m) in enumerate(lexical)}
    out = []
    for entry in dict.fromkeys([*d, *lx]):
        dr, ds = d.get(entry, (0, 0.0))
        lr, ls, lc, lm = lx.get(entry, (0, 0.0, 0.0, 1.0))
        score = (1.0 / (RRF_K + dr) if dr else 0.0) + (LEXICAL_WEIGHT / (RRF_K + lr) if lr else 0.0)
        if langs.get(entry) == lang:
            score += SAME_LANG_BONUS
        out.append(Candidate(entry, langs.get(entry, ""), ds, dr, ls, lr, lc, lm, round(score, 5)))
    out.sort(key=lambda c: -c.fused)
    return out


def features(ranked: Sequence[Candidate], scope_similarity: float | None, n_tokens: int) -> list[float]:
    """The decision model's inputs for the best candidate (see FEATURES)."""
    if not ranked:
        return [0.0] * len(FEATURES)
    top = ranked[0]
    others = [c.dense for c in ranked[1:] if c.dense > 0]
    margin = top.dense - max(others) if others else top.dense
    lexical_top = 1.0 / top.lexical_rank if top.lexical_rank else 0.0
    agree = 1.0 if top.dense_rank == 1 and top.lexical_rank == 1 else 0.0
    gap = (scope_similarity - top.dense) if scope_similarity is not None else -0.2
    return [top.dense, margin, top.coverage, top.missing, lexical_top, agree, gap, math.log1p(n_tokens), 1.0]


@dataclass(frozen=True)
class DecisionModel:
    """Logistic regression over FEATURES, and the probabilities at which to answer and to ask."""

    weights: tuple[float, ...]
    answer_at: float = 0.5
    clarify_at: float = 0.3
    fitted_on: str = "defaults"
    probes: int = 0

    def probability(self, x: Sequence[float]) -> float:
        """P(the best candidate answers the question)."""
        z = sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def save(self, path: Path, extra: Mapping[str, object] | None = None) -> None:
        """Write the model as JSON (atomically); ``extra`` keys are stored beside it."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"features": FEATURES, **asdict(self), **(extra or {})}), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "DecisionModel":
        """Read a model written by save(); ValueError when it does not fit this version's features."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{path}: fitted for other features; run `edge-agent kb calibrate` again")
        return cls(tuple(float(w) for w in data["weights"]), float(data["answer_at"]), float(data["clarify_at"]),
                   str(data.get("fitted_on", "")), int(data.get("probes", 0)))


DEFAULT_FILE = Path(__file__).with_name("decision_default.json")


def default_model() -> DecisionModel:
    """The shipped model: fitted on labelled customer questions (the tune halves of benchmarks/kb_eval.jsonl and
    benchmarks/kb_hard.jsonl) against the sample knowledge base by benchmarks/fit_decision_default.py."""
    return DecisionModel.load(DEFAULT_FILE)


def reference_rows() -> tuple[list[list[float]], list[int]]:
    """The labelled feature rows the shipped model was fitted on (`kb calibrate` fits on them too)."""
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    rows = data.get("reference", {"x": [], "y": []})
    return [list(map(float, x)) for x in rows["x"]], [int(y) for y in rows["y"]]


def fit_logistic(xs: Sequence[Sequence[float]], ys: Sequence[int], l2: float = 1e-2,
                 iterations: int = 50, weights: Sequence[float] | None = None) -> tuple[float, ...]:
    """Class-balanced, optionally weighted L2 logistic regression by Newton's method (a handful of features)."""
    import numpy as np

    raw = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    given = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    # standardise every feature but the bias (the last column), fit, then map the weights back
    mean, std = raw[:, :-1].mean(axis=0), raw[:, :-1].std(axis=0)
    std = np.where(std < 1e-9, 1.0, std)
    x = np.hstack([(raw[:, :-1] - mean) / std, raw[:, -1:]])
    pos = max(float((given * y).sum()), 1e-9)
    neg = max(float((given * (1 - y)).sum()), 1e-9)
    total = float(given.sum())
    sample = given * np.where(y > 0, total / (2 * pos), total / (2 * neg))
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -50, 50)))
        grad = x.T @ (sample * (p - y)) / len(y) + reg * w
        hess = (x * (sample * p * (1 - p))[:, None]).T @ x / len(y) + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    scaled = w[:-1] / std
    bias = w[-1] - float((w[:-1] * mean / std).sum())
    return tuple(round(float(v), 5) for v in (*scaled, bias))
