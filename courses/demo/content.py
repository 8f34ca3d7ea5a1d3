"""The demo catalogue: three real-looking courses from one school, with a classroom session."""

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lms.accounts.models import Organisation, User
from media_pipeline.demo import demo_video_ensure

from .. import questions, services
from ..models import (
    ClassroomSession,
    CoursePage,
    LessonPage,
    LessonQuestion,
    LessonQuiz,
    Occupation,
)
from ..occupations import occupations_import_csv
from ..selectors import current_cycle, lesson_view

CSV = Path(__file__).with_name("occupations.csv")
COURIER_LESSON_MINUTES = 2
SHORT_LESSON_MINUTES = 1


def recording_seconds(minutes: int) -> int:
    """How long a demo lesson's recording runs so that watching it through banks its listed
    minutes: a lesson banks once it is watched to the completion threshold (95 %), the
    smaller of its credit and the time studied, so the recording runs a few seconds past
    them. Short, since every demo recording is transcoded on a newcomer's first run."""
    return math.ceil(minutes * 60 / settings.STUDY_COMPLETION_THRESHOLD) + 1


COURIER_LESSONS = [
    ("行业与岗位认知", "快递员的职责、工作流程和职业发展。"),
    ("收件与验视", "实名收寄、开箱验视、禁寄物品识别。"),
    ("包装与封装规范", "不同物品的包装方法和封装要求。"),
    ("分拣与派件路线", "看懂面单，规划一天的派件路线。"),
    ("客户沟通与投诉处理", "电话沟通、上门礼仪、常见投诉的处理。"),
    ("电动车安全驾驶", "夜间骑行、路口通行、雨天驾驶。"),
    ("个人信息保护", "面单信息保护与隐私安全。"),
    ("急救与自我保护", "中暑、摔伤的基本急救，劳动权益。"),
]
SAFETY_LESSONS = [
    ("夜间骑行看得见", "灯光、反光衣与夜间路况。"),
    ("路口与非机动车道", "常见事故场景与避险。"),
    ("天气与路面", "雨雪、积水和湿滑路面。"),
    ("事故之后怎么办", "报警、取证、保险理赔。"),
]
START_LESSONS = [
    ("从配送到小生意", "用身边的资源起步。"),
    ("算清一笔账", "成本、定价与现金流。"),
    ("办好手续", "个体工商户登记与税务常识。"),
]


FINAL_ASSESSMENT_MINUTES = 45


def workload_class_hours(lessons: int, minutes: int) -> Decimal:
    """What a course's lessons and its final assessment bank, in 45-minute class hours."""
    total = lessons * minutes + FINAL_ASSESSMENT_MINUTES
    return (Decimal(total) / 45).quantize(Decimal("0.1"))


def _quiz(question: str, right: str, wrong: str, *, final: bool = False) -> LessonQuiz:
    """A lesson's check; the last lesson's is the course's assessment, worth a class hour."""
    return LessonQuiz(
        title="结业考核" if final else "小测验",
        pass_mark=100,
        questions=[("question", {"question": question, "choices": [right, wrong], "correct": 1})],
        credit_minutes=FINAL_ASSESSMENT_MINUTES if final else 0,
    )


def _course(
    *,
    school,
    slug,
    title,
    occupation,
    lessons,
    weekdays,
    first,
    hours,
    summary,
    outcomes,
    participation="blended",
    lesson_minutes=15,
    with_videos=True,
    portrait_first=False,
    attention_checks=False,
) -> CoursePage:
    course = CoursePage.objects.filter(slug=slug).first()
    if course is None:
        course = CoursePage(
            title=title,
            slug=slug,
            occupation=occupation,
            level="5",
            summary=summary,
            learning_outcomes=outcomes,
            workload_class_hours=hours,
            assessment_type="quiz",
            participation_form=participation,
            awarding_organisation=school.organisation,
            schedule_weekdays=weekdays,
            first_cycle_starts=first,
            session_time=dt.time(20, 30),
            attention_checks=attention_checks,
            live=False,
        )
        school.add_child(instance=course)
        for number, (lesson_title, lesson_summary) in enumerate(lessons, start=1):
            lesson = LessonPage(
                title=lesson_title,
                slug=f"lesson-{number}",
                summary=lesson_summary,
                duration_minutes=lesson_minutes,
                credit_minutes=lesson_minutes,
                video=(
                    demo_video_ensure(
                        key=f"{slug}-{number}",
                        title=lesson_title,
                        seconds=recording_seconds(lesson_minutes),
                        portrait=portrait_first and number == 1,
                        organisation=school.organisation,
                    )
                    if with_videos
                    else None
                ),
                body=[("text", f"<h2>{lesson_title}</h2><p>{lesson_summary}</p>")],
                quizzes=[
                    _quiz(
                        f"《{lesson_title}》的要点是什么？",
                        lesson_summary,
                        "没有要点",
                        final=number == len(lessons),
                    )
                ],
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        course.save_revision().publish()  # last: its publish lays out cycles from every lesson
        course = CoursePage.objects.get(pk=course.pk)
    services.cycles_roll_ahead(course=course)
    return course


@transaction.atomic
def load_demo_courses(
    *, school_org: Organisation, station: Organisation, with_videos: bool = True
) -> list[CoursePage]:
    """The demo courses. With videos, each lesson gets a generated lecture queued for
    transcoding by the background worker (a few minutes for all of them on two cores)."""
    occupations_import_csv(text=CSV.read_text(encoding="utf-8"))
    catalogue = services.catalogue_get_or_create()
    services.site_name_set(name="夜校")
    school = services.school_setup(organisation=school_org, catalogue=catalogue)
    for instructor in User.objects.filter(organisation=school_org, role=User.Role.INSTRUCTOR):
        services.instructor_sync_groups(user=instructor)

    today = timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    courier = _course(
        school=school,
        slug="courier-basic",
        title="快递员（初级）职业技能提升",
        occupation=Occupation.objects.get(code="4-02-07-08"),
        lessons=COURIER_LESSONS,
        weekdays="024",
        # Its first cycle ended last week, so a learner who joined it has had every lesson;
        # the cycle running now has some lessons open and some still to come.
        first=this_monday - dt.timedelta(days=21),
        hours=workload_class_hours(len(COURIER_LESSONS), COURIER_LESSON_MINUTES),
        lesson_minutes=COURIER_LESSON_MINUTES,
        summary="每周一、三、五晚 20:30，八节短课加一次结业考核，学会快递员的基本功。",
        outcomes="按规范收寄、验视和包装快件\n规划派件路线\n处理客户投诉\n安全驾驶电动车",
        with_videos=with_videos,
        # Subsidy money flows on these hours: a script posting plausible reports must meet
        # checks that only a person at the screen can answer.
        attention_checks=True,
    )
    safety = _course(
        school=school,
        slug="rider-night-safety",
        title="骑手夜间交通安全",
        occupation=Occupation.objects.get(code="4-07-10-01"),
        lessons=SAFETY_LESSONS,
        weekdays="13",
        first=this_monday,
        hours=workload_class_hours(len(SAFETY_LESSONS), SHORT_LESSON_MINUTES),
        lesson_minutes=SHORT_LESSON_MINUTES,
        participation="online",
        summary="每周二、四晚上线，四节课守护夜路安全。",
        outcomes="识别夜间骑行风险\n正确处理交通事故",
        with_videos=with_videos,
        portrait_first=True,
    )
    start = _course(
        school=school,
        slug="small-business-start",
        title="灵活就业创业入门",
        occupation=Occupation.objects.get(code="4-01-02-07"),
        lessons=START_LESSONS,
        weekdays="5",
        first=this_monday + dt.timedelta(days=12),
        hours=workload_class_hours(len(START_LESSONS), SHORT_LESSON_MINUTES),
        lesson_minutes=SHORT_LESSON_MINUTES,
        participation="online",
        summary="每周六一课，三周了解开一家小店要做的事。",
        outcomes="估算小生意的成本和收入\n办理个体工商户登记",
        with_videos=with_videos,
    )

    cycle = current_cycle(course=courier)
    tonight = (
        cycle.sessions.filter(starts_at__date__gte=today).order_by("starts_at").first()
        if cycle
        else None
    )
    if tonight and not ClassroomSession.objects.filter(cycle=cycle, lesson=tonight.lesson).exists():
        ClassroomSession.objects.create(
            cycle=cycle,
            lesson=tonight.lesson,
            venue=station,
            venue_name=station.name,
            address=station.address,
            starts_at=tonight.starts_at,
            ends_at=tonight.starts_at + dt.timedelta(minutes=90),
            capacity=30,
        )
    return [courier, safety, start]


DEMO_QUESTIONS = [
    (
        "验视时发现禁寄物品，客户坚持要寄怎么办？",
        "不能收寄。向客户说明这是法律规定，礼貌拒收；客户情绪激动时请站长协助，"
        "并在系统里记下拒收原因。",
    ),
    ("夜里派件时客户电话一直打不通，可以把快件放在门口吗？", None),
]


def load_demo_questions(*, course: CoursePage, learner: User, instructor: User) -> None:
    """Two questions of the demo learner under the first lesson open to them: one answered
    by the instructor, one still in the instructor's queue. Skipped once the learner has
    asked any, so loading again adds nothing."""
    if LessonQuestion.objects.filter(learner=learner).exists():
        return
    lessons = LessonPage.objects.child_of(course).live().order_by("path")
    lesson = next(
        (item for item in lessons if lesson_view(lesson=item, user=learner)["may_study"]), None
    )
    if lesson is None:
        return
    asked_at = timezone.now() - dt.timedelta(days=2)
    for number, (text, answer) in enumerate(DEMO_QUESTIONS):
        question = questions.question_ask(
            learner=learner, lesson=lesson, text=text, now=asked_at + dt.timedelta(hours=number)
        )
        if answer:
            questions.question_answer(
                question=question,
                instructor=instructor,
                text=answer,
                now=asked_at + dt.timedelta(hours=number + 20),
            )


YEAR_COURSES = [
    {
        "school": "城东职业技能培训学校",
        "slug": "housekeeping-basic",
        "title": "家政服务员（初级）收纳与保洁",
        "occupation": "4-10-01-06",
        "weekdays": "13",
        "lessons": [
            ("家政服务的规范", "上门礼仪、服务合同与安全。"),
            ("整理收纳", "衣柜、厨房和儿童房的收纳方法。"),
            ("居家保洁", "常用清洁剂的安全使用与分区保洁。"),
        ],
        "summary": "晚上两小时，学会上门家政服务的基本功，可申请培训补贴。",
    },
    {
        "school": "岱岳区职业技能培训学校",
        "slug": "electrician-basic",
        "title": "电工（初级）安全用电与线路入门",
        "occupation": "6-31-01-03",
        "weekdays": "024",
        "lessons": [
            ("安全用电常识", "触电的原因与预防，漏电保护器。"),
            ("常用工具与仪表", "电笔、万用表的正确使用。"),
            ("照明线路安装", "开关、插座和灯具的接线。"),
            ("故障排查", "跳闸、短路的排查思路。"),
        ],
        "summary": "零基础学电工：安全第一，会用仪表，会装照明线路。",
    },
    {
        "school": "岱岳区职业技能培训学校",
        "slug": "elderly-care-basic",
        "title": "养老护理员（初级）居家照护",
        "occupation": "4-10-01-05",
        "weekdays": "25",
        "lessons": [
            ("照护的基本原则", "尊重、安全与沟通。"),
            ("饮食与起居照料", "协助进食、翻身与转移。"),
            ("常见急症的应对", "跌倒、噎食时怎么办。"),
        ],
        "summary": "为家里老人、也为一份新工作：居家照护的基本技能。",
    },
]


@transaction.atomic
def load_demo_year_courses(*, schools: dict[str, Organisation]) -> list[CoursePage]:
    """Courses that have run since eleven months ago at the city's schools, so the demo has a
    year of person-time history. Their occupations come from the demo catalogue."""
    catalogue = services.catalogue_get_or_create()
    first = timezone.localdate() - dt.timedelta(days=330)
    courses = []
    for facts in YEAR_COURSES:
        school = services.school_setup(organisation=schools[facts["school"]], catalogue=catalogue)
        courses.append(
            _course(
                school=school,
                slug=facts["slug"],
                title=facts["title"],
                occupation=Occupation.objects.get(code=facts["occupation"]),
                lessons=facts["lessons"],
                weekdays=facts["weekdays"],
                first=first,
                hours=len(facts["lessons"]),
                summary=facts["summary"],
                outcomes=facts["summary"],
                participation="online",
                with_videos=False,
            )
        )
    return courses
