"""What produced an answer, recorded with every turn: the model file's sha256, computed once per process."""
from __future__ import annotations

import logging

from edge_agent.llm.manifest import ModelSpec, file_sha256, verify

log = logging.getLogger("edge_agent.audit")


def model_file_sha256(spec: ModelSpec) -> str:
    """sha256 of the model file actually loaded ('' when the file is missing); warns on a manifest mismatch."""
    result = verify(spec)
    if result.status == "missing":
        return ""
    if result.status == "unchecked":
        return file_sha256(spec.path)
    if result.status == "mismatch":
        log.warning("model file %s does not match its manifest sha256; recording the actual hash", spec.path.name)
    return result.actual_sha256
