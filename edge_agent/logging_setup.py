"""Service logging: a file and stderr, each handler behind a redacting filter; noisy libraries quieted."""
from __future__ import annotations

import logging
import logging.handlers
from typing import Callable

from edge_agent.config import Settings
from guardrails.logfilter import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("presidio-analyzer", "presidio-anonymizer", "chromadb", "httpx", "urllib3", "posthog")


def setup_logging(settings: Settings, redact: Callable[[str], str]) -> None:
    """Log to data_dir/logs/edge-agent.log (rotated at log_max_bytes, log_backups kept) and stderr; every
    handler redacts."""
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    file_handler = logging.handlers.RotatingFileHandler(settings.log_dir / "edge-agent.log",
                                                        maxBytes=settings.log_max_bytes,
                                                        backupCount=settings.log_backups, encoding="utf-8")
    for handler in (file_handler, logging.StreamHandler()):
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactingFilter(redact))
        root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
