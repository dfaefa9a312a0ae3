"""PII recognizers: one Presidio recognizer per module, named after its class."""
