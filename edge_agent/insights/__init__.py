"""Demand insights for managers: what customers ask, what went unanswered, what is rising — from redacted,
k-anonymous records only (nothing here imports the model or the web app at import time)."""
