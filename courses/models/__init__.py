"""Courses' models, one module per subject; every name imports from ``courses.models``."""

from .catalogue import OCCUPATION_CODE, AssessmentType, Level, Occupation, Participation
from .classroom import Attendance, CheckInCodeMiss, ClassroomSession
from .community import SessionRating, TopicRequest, TopicSecond
from .demand import CatalogueEntry, ProgrammeYear
from .pages import CatalogueIndexPage, CoursePage, LessonPage, LessonQuiz, SchoolPage, new_quiz_key
from .questions import Hideable, LessonAnswer, LessonQuestion
from .study import Cycle, Enrolment, LessonCompletion, QuizAttempt, ScheduledLesson

__all__ = [
    "AssessmentType",
    "Attendance",
    "CatalogueEntry",
    "CatalogueIndexPage",
    "CheckInCodeMiss",
    "ClassroomSession",
    "CoursePage",
    "Cycle",
    "Enrolment",
    "Hideable",
    "LessonAnswer",
    "LessonCompletion",
    "LessonPage",
    "LessonQuestion",
    "LessonQuiz",
    "Level",
    "OCCUPATION_CODE",
    "Occupation",
    "Participation",
    "ProgrammeYear",
    "QuizAttempt",
    "ScheduledLesson",
    "SchoolPage",
    "SessionRating",
    "TopicRequest",
    "TopicSecond",
    "new_quiz_key",
]
