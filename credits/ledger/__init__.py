"""The class-hour ledger: append-only entries in a keyed hash chain per learner, the running
balance, signed checkpoints, and the services that credit and correct it. It knows nothing of
study sessions or certificates."""
