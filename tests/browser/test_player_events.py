"""The page drives the player only through its events: a request to play, pause or seek is
obeyed by the video, and the study tracker's own pause (when an attention check appears)
reaches the player as such a request."""

import pytest

from credits.models import AttentionCheck, ProgressReport, StudyClock
from tests.helpers import enrolled_in_a_video_lesson, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """() => {
  window.heard = [];
  for (const name of ['player-ready', 'play', 'pause', 'seeked', 'ended', 'timeupdate', 'state',
                      'request-play', 'request-pause', 'request-seek', 'credited']) {
    document.addEventListener('nightschool:' + name, (e) => window.heard.push(
      {name, detail: JSON.parse(JSON.stringify(e.detail || {})),
       fromPlayer: !!e.target.closest && !!e.target.closest('[data-nightschool-player]')}));
  }
}"""

ASK = """([name, detail]) => document.dispatchEvent(
  new CustomEvent('nightschool:request-' + name, {bubbles: true, detail}))"""


def heard(phone, name: str) -> list[dict]:
    return [event for event in phone.evaluate("window.heard") if event["name"] == name]


def count(phone, name: str) -> int:
    return len(heard(phone, name))


def test_requests_from_the_page_move_the_video_and_the_tracker_pauses_through_them(
    live_server, phone, tmp_path, settings
):
    settings.STUDY_ATTENTION_MEAN_SECONDS = 600  # no check until the test brings one on
    settings.STUDY_ATTENTION_ANSWER_SECONDS = 30
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=30, attention_checks=True)
    log_in(phone.context, live_server, learner)
    phone.goto(live_server.url + lesson.url)
    phone.wait_for_function("() => document.querySelector('[data-study-tracker]')")
    phone.evaluate(LISTEN)

    # The page asks for the state and gets it at once, as plain data.
    state = phone.evaluate(
        """() => { let answer = null;
             document.addEventListener('nightschool:state', (e) => { answer = e.detail; },
                                       {once: true});
             document.dispatchEvent(new CustomEvent('nightschool:request-state'));
             return JSON.parse(JSON.stringify(answer)); }"""
    )
    assert state["paused"] is True and state["played"] == [] and state["mode"] == "auto"

    # Play and pause on request; the pause is reported and credited.
    phone.evaluate("() => { document.querySelector('video').muted = true; }")
    phone.evaluate(ASK, ["play", {}])
    phone.wait_for_function("() => document.querySelector('video').currentTime > 1.5")
    phone.evaluate(ASK, ["pause", {}])
    phone.wait_for_function("() => document.querySelector('video').paused")
    # The play is reported on its own (where it began), then the pause with its credit.
    phone.wait_for_function(
        "() => window.heard.some(e => e.name === 'credited' && e.detail.credited > 0)"
    )
    pause = heard(phone, "pause")[0]
    assert pause["fromPlayer"] and pause["detail"]["position"] > 1.5
    assert pause["detail"]["played"][0][1] > 1.5 and pause["detail"]["duration"] > 29
    play = ProgressReport.objects.get(session__learner=learner, event="play")
    assert play.position is not None and play.position < 1

    # Seek on request, to a place not yet watched: the player says where the seek left.
    phone.evaluate(ASK, ["seek", {"position": 12}])
    phone.wait_for_function("() => window.heard.some(e => e.name === 'seeked')")
    assert abs(phone.evaluate("document.querySelector('video').currentTime") - 12) < 0.5
    seeked = heard(phone, "seeked")[0]["detail"]
    assert abs(seeked["position"] - 12) < 0.5
    assert abs(seeked["from"] - pause["detail"]["position"]) < 0.5
    phone.wait_for_function(
        "() => window.heard.filter(e => e.name === 'credited').length >= 3"
    )  # play, pause, seek
    seek = ProgressReport.objects.get(session__learner=learner, event="seeked")
    assert abs(seek.seek_from - pause["detail"]["position"]) < 0.5
    assert abs(seek.position - 12) < 0.5

    # The next bit of study brings an attention check; it arrives while the lesson plays,
    # and the tracker pauses the lesson by a request, never by touching the video.
    StudyClock.objects.filter(learner=learner).update(attention_after=0.5)
    pauses_asked = count(phone, "request-pause")
    phone.evaluate(ASK, ["play", {}])
    phone.wait_for_function("() => document.querySelector('video').currentTime > 14.5")
    phone.evaluate(ASK, ["seek", {"position": 20}])  # reported at once
    dialog = phone.locator("[role=dialog][aria-modal=true]")
    dialog.wait_for()
    phone.wait_for_function(
        f"() => window.heard.filter(e => e.name === 'request-pause').length > {pauses_asked}"
    )
    phone.wait_for_function("() => document.querySelector('video').paused")
    assert heard(phone, "request-pause")[-1]["fromPlayer"] is False
    screenshot(phone, "player-events-01-check-paused-the-lesson")

    # Answering the check plays the lesson on, again through a request.
    plays_asked = count(phone, "request-play")
    clock = StudyClock.objects.get(learner=learner)
    number = AttentionCheck.objects.get(pk=clock.attention_check_id).number
    dialog.locator("input").fill(str(number))
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    phone.wait_for_function(
        f"() => window.heard.filter(e => e.name === 'request-play').length > {plays_asked}"
    )
    phone.wait_for_function("() => !document.querySelector('video').paused")
