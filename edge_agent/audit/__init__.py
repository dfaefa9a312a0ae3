"""The tamper-evident audit trail: an HMAC-chained event log beside the conversation store (turns, purges,
knowledge-base changes).

``chain`` (record format and signing), ``keys`` (the secret), ``checkpoints`` (signed heads kept off the
database), ``retention`` (purges that re-anchor the chain), ``verify``, ``export`` and ``commands`` (CLI).
"""
