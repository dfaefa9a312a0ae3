"""Incremental "leader" clustering of unit vectors: a small method that never needs the old questions again.

Each new question joins the nearest existing cluster when its cosine similarity to that cluster's centroid
is at least ``threshold`` (the centroid then moves to the running mean of its members, renormalised);
otherwise it starts a new cluster. New questions are clustered as they come (nightly or on demand) without
re-embedding or re-clustering what was clustered before, and the result does not depend on the date range a
page asks for. With e5, paraphrases sit at 0.94-1.0 and different topics of one organisation at 0.75-0.90.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DIM = 384  # multilingual-e5-small


@dataclass
class Clusters:
    """Centroids (unit vectors, one row per cluster) and member counts; cluster ids are row numbers."""

    threshold: float
    centroids: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), dtype=np.float32))
    sums: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), dtype=np.float32))
    sizes: list[int] = field(default_factory=list)

    def assign(self, vectors: np.ndarray) -> list[int]:
        """The cluster of each row of ``vectors`` (unit vectors), creating clusters as needed."""
        out: list[int] = []
        for vector in np.asarray(vectors, dtype=np.float32):
            best = -1
            if len(self.sizes):
                sims = self.centroids @ vector
                best = int(np.argmax(sims))
                if sims[best] < self.threshold:
                    best = -1
            if best < 0:
                if self.centroids.shape[1] != vector.shape[0]:
                    self.centroids = np.zeros((0, vector.shape[0]), dtype=np.float32)
                    self.sums = self.centroids.copy()
                self.centroids = np.vstack([self.centroids, vector[None, :]])
                self.sums = np.vstack([self.sums, vector[None, :]])
                self.sizes.append(1)
                best = len(self.sizes) - 1
            else:
                self.sums[best] += vector
                self.sizes[best] += 1
                norm = float(np.linalg.norm(self.sums[best]))
                self.centroids[best] = self.sums[best] / (norm or 1.0)
            out.append(best)
        return out

    def typicality(self, cluster: int, vector: np.ndarray) -> float:
        """Cosine similarity of a member to its cluster's centroid (the label is the most typical member)."""
        return float(self.centroids[cluster] @ np.asarray(vector, dtype=np.float32))
