"""The incremental leader clustering (insights/cluster.py)."""
from __future__ import annotations

import numpy as np

from edge_agent.insights.cluster import Clusters


def unit(*values: float) -> np.ndarray:
    v = np.zeros(384, dtype=np.float32)
    v[:len(values)] = values
    return v / np.linalg.norm(v)


def test_near_vectors_share_a_cluster_and_far_ones_do_not() -> None:
    clusters = Clusters(threshold=0.9)
    got = clusters.assign(np.vstack([unit(1, 0.05), unit(0, 1), unit(1, 0.1), unit(0.05, 1), unit(1, 1)]))
    assert got == [0, 1, 0, 1, 2]   # (1,1) is 0.74 from both axes: a topic of its own
    assert clusters.sizes == [2, 2, 1]


def test_centroid_is_the_normalised_mean_and_incremental_assignment_continues() -> None:
    clusters = Clusters(threshold=0.9)
    clusters.assign(np.vstack([unit(1, 0.2), unit(1, -0.2)]))
    assert np.allclose(clusters.centroids[0], unit(1, 0), atol=1e-6)
    assert clusters.assign(unit(1, 0)[None, :]) == [0]      # later batch joins the existing cluster
    assert clusters.typicality(0, unit(1, 0)) > clusters.typicality(0, unit(1, 0.2))


def test_threshold_decides() -> None:
    a, b = unit(1, 0), unit(1, 0.75)  # cosine 0.8
    assert Clusters(threshold=0.79).assign(np.vstack([a, b])) == [0, 0]
    assert Clusters(threshold=0.81).assign(np.vstack([a, b])) == [0, 1]
