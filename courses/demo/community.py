"""The demo's community centre: residents' requests, one passed on to the demo school."""

from django.utils import timezone

from lms.accounts.models import Organisation, User

from ..models import TopicRequest, TopicSecond

DEMO_CITY = "泰安市"


def load_demo_community(
    *, school_org: Organisation, centre: Organisation, organiser: User, residents: list[User]
) -> Organisation:
    """The centre, in the school's city, gets two requests, the most wanted passed on, so the
    demo school finds it under demand by place and topic. Loading twice changes nothing."""
    for organisation in (school_org, centre):
        if not organisation.city:
            organisation.city = school_org.city or DEMO_CITY
            organisation.save(update_fields=["city"])
    if TopicRequest.objects.filter(centre=centre).exists():
        return centre
    now = timezone.now()
    asker, *others = residents
    wanted = TopicRequest.objects.create(
        centre=centre,
        topic="计算机操作",
        details="想学用电脑填表、网上办事。",
        requested_by=asker,
        created_at=now,
        state=TopicRequest.State.PASSED_ON,
        passed_on_at=now,
        passed_on_by=organiser,
        note_to_schools="社区活动室有 20 台电脑，周末可用。",
    )
    TopicSecond.objects.bulk_create(TopicSecond(request=wanted, user=u, at=now) for u in others)
    TopicRequest.objects.create(centre=centre, topic="家政收纳", requested_by=asker, created_at=now)
    return centre
