"""The credits app's models: study time and the ledger.

Django looks for an app's models here; they are defined in the packages of their subject,
``credits.study`` and ``credits.ledger``. Certification is an app of its own
(``credits.certification``).
"""

from .ledger.models import LearnerBalance, LedgerEntry
from .study.models import (
    AttentionCheck,
    LessonProgress,
    ProgressReport,
    RefusalReason,
    RefusedTime,
    StudyClock,
    WatchSession,
)
from .xapi.models import XapiAccount

__all__ = [
    "AttentionCheck",
    "LearnerBalance",
    "LedgerEntry",
    "LessonProgress",
    "ProgressReport",
    "RefusalReason",
    "RefusedTime",
    "StudyClock",
    "WatchSession",
    "XapiAccount",
]
