"""edge-agent: an offline, bilingual customer-service assistant for banks and clinics."""

__version__ = "0.1.0"
