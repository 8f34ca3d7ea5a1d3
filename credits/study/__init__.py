"""Study-time accounting: watch sessions, progress reports, refused time and attention checks.

What a learner watched is measured here; what it earns is banked through ``credits.ledger``.
"""
