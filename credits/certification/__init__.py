"""Certification, an app of its own above the ledger: programmes, eligibility, applications
and their review, certificates (PDF and Open Badges 3.0 credentials) and their verification."""
