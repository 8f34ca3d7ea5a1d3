"""A courier's first evening on a phone: one tap plays on a slow link, the end of the video
says what was banked and why, the hours page's bars move, locked lessons say when they open,
and none of these pages speaks English in Chinese."""

import pytest

from tests.helpers import (
    enrolled_in_a_lesson_open_now,
    enrolled_in_a_video_lesson,
    lessons_of,
    log_in,
    screenshot,
)
from tests.latin_scan import page_latin_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW_3G = {  # Chrome DevTools' "Slow 3G", as bytes per second
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50 * 1024,
    "uploadThroughput": 50 * 1024,
}


def progress(page, bar_id):
    return page.evaluate(
        "id => { const p = document.getElementById(id); return [p.value, p.max]; }", bar_id
    )


def test_one_tap_plays_on_a_slow_connection(live_server, phone, tmp_path):
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=20)
    log_in(phone.context, live_server, learner)
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)

    # The learner taps play as soon as the player is there, long before the media's length
    # has arrived over the slow link (the browser's own controls ignore such a tap).
    phone.goto(live_server.url + lesson.url, wait_until="commit")
    phone.wait_for_function(
        "() => { const root = document.querySelector('[data-nightschool-player]');"
        " return root && root.nightschoolPlayer && root.querySelector('video').readyState < 1; }",
        timeout=60_000,
        polling=50,
    )
    box = phone.locator("video").bounding_box()
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    phone.wait_for_function(
        "() => { const v = document.querySelector('video');"
        " return v && !v.paused && v.currentTime > 0.5; }",
        timeout=60_000,
    )
    taps = phone.evaluate("document.querySelector('video').played.length")
    assert taps >= 1
    screenshot(phone, "evening-01-one-tap-plays")


def test_the_end_of_a_lesson_says_what_was_banked_and_the_hours_bar_moves(
    live_server, phone, tmp_path
):
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=70)
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + "/hours/")
    assert progress(phone, "next-hour") == [0, 45]
    assert page_latin_words(phone) == []

    phone.goto(live_server.url + lesson.url)
    phone.wait_for_function("() => document.querySelector('[data-study-tracker]')")
    phone.evaluate(
        """() => new Promise((resolve, reject) => {
          setTimeout(() => reject(new Error('the lesson never ended')), 120000);
          document.addEventListener('nightschool:credited', e => {
            if (e.detail.banked) resolve(e.detail);
          });
          const v = document.querySelector('video');
          v.muted = true;
          v.play();
        })"""
    )
    message = phone.locator(".study-end")
    message.wait_for(state="visible", timeout=30_000)
    words = message.inner_text()
    # A 70 s recording: a minute really studied, below the lesson's 45.
    assert "本课记入 1 分钟" in words and "每课最多记 45 分钟" in words, words
    assert page_latin_words(phone) == []
    screenshot(phone, "evening-02-end-of-lesson")

    phone.goto(live_server.url + "/hours/")
    assert progress(phone, "next-hour") == [1, 45]
    text = phone.locator("main").inner_text()
    assert "再学 44 分钟满下一个学时" in text
    assert "完成一课" in text and lesson.title in text
    assert page_latin_words(phone) == []
    screenshot(phone, "evening-03-hours-moved")


def test_a_locked_lesson_says_when_it_opens_and_comes_after_the_open_ones(live_server, phone):
    # Lesson N of a daily course comes around on day N at 00:00: lesson 2 opens tomorrow.
    learner, first = enrolled_in_a_lesson_open_now(lessons=3)
    course = first.get_parent().specific
    first, second, _third = lessons_of(course)
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + second.url)
    assert "明天 00:00 开放" in phone.locator("main").inner_text()
    assert page_latin_words(phone) == []
    screenshot(phone, "evening-04-locked-lesson")

    phone.goto(live_server.url + course.url)
    rows = phone.locator("ol.lessons li").all_inner_texts()
    assert first.title in rows[0] and "明天" not in rows[0], rows
    assert "明天 00:00 开放" in rows[1] and second.title in rows[1], rows
    assert page_latin_words(phone) == []
    screenshot(phone, "evening-05-course-order")
