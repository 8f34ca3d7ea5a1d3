"""A courier watches part of a lesson on a phone; the server credits what really played."""

import pytest

from credits.models import LedgerEntry, LessonProgress, ProgressReport
from tests.helpers import enrolled_in_a_video_lesson, log_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_watching_on_a_phone_banks_hours_and_survives_a_dropped_connection(
    live_server, phone, tmp_path
):
    # The course lets learners watch at double speed.
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=66, max_playback_rate=2)
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + lesson.url)
    phone.wait_for_function("() => document.querySelector('[data-study-tracker]')")
    watch = """(ms) => new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('no credit reported')), 20000);
        // The play is reported first, crediting nothing yet; the pause brings the credit.
        document.addEventListener('nightschool:credited', e => {
          if (e.detail.credited > 0) resolve(e.detail);
        });
        const v = document.querySelector('video');
        v.muted = true;
        v.playbackRate = 2;
        v.play().then(() => setTimeout(() => v.pause(), ms));
      })"""
    first = phone.evaluate(watch, 5000)
    assert first["credited"] > 0
    credited_before = LessonProgress.objects.get(learner=learner).credited_seconds
    screenshot(phone, "study-01-lesson-paused")

    # The connection drops mid-lesson: the report made on pause waits in the browser.
    phone.context.set_offline(True)
    phone.evaluate(
        """() => new Promise((resolve, reject) => {
          setTimeout(() => reject(new Error('did not play offline')), 20000);
          const v = document.querySelector('video');
          v.play().then(() => setTimeout(() => { v.pause(); resolve(); }, 5000));
        })"""
    )
    phone.wait_for_function(
        "() => localStorage.length > 0 && Object.keys(localStorage).some("
        "k => k.startsWith('nightschool:pending:'))"
    )
    assert LessonProgress.objects.get(learner=learner).credited_seconds == credited_before
    phone.evaluate(
        """() => { window.creditedAgain = new Promise((resolve, reject) => {
             setTimeout(() => reject(new Error('queued report never credited')), 20000);
             document.addEventListener('nightschool:credited', e => resolve(e.detail),
                                       {once: true});
           }); }"""
    )
    phone.context.set_offline(False)
    restored = phone.evaluate("() => window.creditedAgain")
    assert restored["credited"] > 0
    after_outage = LessonProgress.objects.get(learner=learner).credited_seconds
    assert after_outage > credited_before
    assert ProgressReport.objects.filter(session__learner=learner, event="online").exists()

    # Watching to the end completes the lesson and banks its minutes.
    phone.evaluate(
        """() => new Promise((resolve, reject) => {
          setTimeout(() => reject(new Error('lesson never completed')), 60000);
          const v = document.querySelector('video');
          document.addEventListener('nightschool:credited', e => {
            if (e.detail.completed) resolve(e.detail);
          });
          v.play();
        })"""
    )
    entry = LedgerEntry.objects.get(learner=learner, kind="lesson")
    assert entry.minutes == 1  # a 66 s lecture: a minute really studied, never the nominal 45
    phone.goto(live_server.url + "/hours/")
    assert "再学 44 分钟满下一个学时" in phone.content()
    screenshot(phone, "study-02-my-hours")
