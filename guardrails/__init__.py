"""edge-agent's privacy layer: PII detection, redaction, the per-session vault and leak-proof logging."""
