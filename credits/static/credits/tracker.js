/* Night School study tracker. Listens to the lesson player's nightschool:* events and tells
 * the server which media intervals played (the player's "played" ranges), never how long was
 * studied. Reports about every 30 s while playing and on play, pause, seek, end, tab-hide and
 * page-leave; a report that cannot be sent waits in localStorage and goes when the connection
 * returns.
 * It talks to the player only through the player's event API (media_pipeline/player.js): it
 * asks for the player's state, and requests play, pause and seek; it never touches the media. */
(function () {
  "use strict";
  var root = document.querySelector("[data-study-tracker]");
  if (!root || !window.fetch) return;
  var api = root.dataset.api, lesson = parseInt(root.dataset.lesson, 10);
  var csrf = root.dataset.csrf;
  var EVERY_MS = 30000;
  var session = null, seq = 0, played = [], position = 0, playing = false, timer = null;
  var pendingKey = "nightschool:pending:" + lesson;
  var latest = null, banked = null, bankedHere = false, threshold = 95;

  function ranges(pairs) {
    return (pairs || []).map(function (pair) { return [pair[0], pair[1]]; });
  }
  function request(name, detail) {
    document.dispatchEvent(new CustomEvent("nightschool:request-" + name, { bubbles: true, detail: detail || {} }));
  }
  /* The player answers a request-state before dispatchEvent returns; null when no player is
   * on the page. */
  function playerState() {
    latest = null;
    request("state");
    return latest;
  }
  document.addEventListener("nightschool:state", function (event) { latest = event.detail || null; });
  function store(value) {
    try { if (value) localStorage.setItem(pendingKey, JSON.stringify(value)); else localStorage.removeItem(pendingKey); } catch (e) { /* private mode */ }
  }
  function post(path, body) {
    return fetch(api + path, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server " + response.status);
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }
  function current(event, seekFrom) {
    var state = playerState();  /* ask now: the player's own events come only every few seconds */
    if (state) {
      played = mergeRanges(played, ranges(state.played));
      if (typeof state.position === "number" && isFinite(state.position)) position = state.position;
    }
    seq += 1;
    var report = { session: session, seq: seq, lesson: lesson, played: played, position: position, event: event };
    if (typeof seekFrom === "number" && isFinite(seekFrom)) report.seek_from = seekFrom;
    return report;
  }

  var inflight = Promise.resolve();

  /* Reports go one at a time, in order: on a weak link they would otherwise race each other,
   * and the server would see the later one first. */
  function send(event, seekFrom) {
    if (!session) return;
    var report = current(event, seekFrom);
    store(report);
    inflight = inflight.then(function () {
      return post("/study/reports", report).then(function (result) {
        store(null);
        if (result.data && result.data.banked) { banked = result.data.banked; bankedHere = true; }
        if (report.event === "ended" && result.status === 200) showEnd(result.data);
        root.dispatchEvent(new CustomEvent("nightschool:credited", { bubbles: true, detail: result.data }));
        if (result.data) onAttention(result.data.attention);
      }).catch(function () { /* kept in localStorage; sent again when the connection returns */ });
    });
  }

  function flushPending() {
    var pending = null;
    try { pending = JSON.parse(localStorage.getItem(pendingKey) || "null"); } catch (e) { pending = null; }
    if (!pending || !session || pending.session !== session) return;
    played = mergeRanges(played, pending.played || []);
    send("online");
  }
  function mergeRanges(a, b) {
    var all = a.concat(b).sort(function (x, y) { return x[0] - y[0]; }), out = [];
    all.forEach(function (r) {
      if (out.length && r[0] <= out[out.length - 1][1]) out[out.length - 1][1] = Math.max(out[out.length - 1][1], r[1]);
      else out.push([r[0], r[1]]);
    });
    return out;
  }

  function beacon() {
    if (!session || !navigator.sendBeacon) return send("pagehide");
    var form = new FormData();
    form.append("csrfmiddlewaretoken", csrf);
    form.append("payload", JSON.stringify(current("pagehide")));
    navigator.sendBeacon(api + "/study/reports/beacon", form);
  }

  /* When the video ends the page says what the lesson banked and why that much, or why
   * nothing: the server's answer to the "ended" report, in the learner's words. */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function showEnd(answer) {
    var box = root.querySelector(".study-end"), words = null, text = root.dataset;
    if (!box || !answer) return;
    var refused = answer.refused || {};
    if (banked && bankedHere) {
      words = fill(banked.capped_by_credit ? text.bankedCappedText : text.bankedText,
                   { minutes: banked.minutes, studied: banked.studied_minutes, credit: banked.credit_minutes });
    } else if (banked) {
      words = fill(text.bankedBeforeText, { minutes: banked.minutes });
    } else if ((answer.attention && answer.attention.blocked) || refused.ATTENTION_CHECK_FAILED) {
      words = text.pausedEndText;
    } else if (refused.DAILY_CAP) {
      words = text.capEndText;
    } else if (answer.duration) {
      words = fill(text.shortEndText, { threshold: threshold + "%",
                                        watched: Math.floor(100 * answer.watched / answer.duration) + "%" });
    }
    if (!words) return;
    box.textContent = words;
    box.hidden = false;
  }

  /* Attention checks. The server's replies name a check, never its number: the number is
   * only in the picture the dialog shows. A missed or wrong answer bars credit everywhere
   * until a new check is passed, so the dialog stays until then. */
  var dialog = null, shownCheck = null, dueTimer = null, retryTimer = null, returnFocus = null;
  var text = root.dataset;

  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content) node.textContent = content;
    return node;
  }
  function closeDialog() {
    clearTimeout(dueTimer); clearTimeout(retryTimer);
    if (!dialog) return;
    dialog.remove(); dialog = null; shownCheck = null;
    if (returnFocus && returnFocus.focus) returnFocus.focus();
    request("play");
  }
  function openDialog() {
    if (dialog) { dialog.textContent = ""; return dialog; }
    returnFocus = document.activeElement;
    var state = playerState();
    if (state && !state.paused) request("pause");
    dialog = el("div", { "class": "attention", role: "dialog", "aria-modal": "true",
                         "aria-labelledby": "attention-title", "aria-describedby": "attention-why" });
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;  /* keep focus inside the dialog */
      var items = dialog.querySelectorAll("input, button");
      if (!items.length) return;
      var first = items[0], last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
    });
    document.body.appendChild(dialog);
    return dialog;
  }
  function askForNew() {
    if (!session) return;
    post("/study/attention", { session: session }).then(function (result) {
      if (result.status === 200) onAttention(result.data);
    }).catch(function () { retryTimer = setTimeout(askForNew, 15000); });
  }
  function showBarred(state, message) {
    var box = openDialog();
    box.appendChild(el("h2", { id: "attention-title" }, text.pausedTitle));
    box.appendChild(el("p", { id: "attention-why" }, message || text.pausedWhy));
    var wait = el("p", { "class": "wait", "aria-live": "polite" }, text.retryText.replace("{seconds}", state.retry_in));
    box.appendChild(wait);
    retryTimer = setTimeout(askForNew, Math.max(1, state.retry_in) * 1000);
  }
  function showCheck(state) {
    if (shownCheck === state.id && dialog) return;
    var box = openDialog();
    shownCheck = state.id;
    box.appendChild(el("h2", { id: "attention-title" }, state.blocked ? text.pausedTitle : text.askTitle));
    box.appendChild(el("p", { id: "attention-why" }, state.blocked ? text.pausedWhy : text.askWhy));
    box.appendChild(el("img", { src: api + "/study/attention/" + state.id + "/image",
                                alt: text.imageAlt, width: "200", height: "80" }));
    var form = el("form", { "class": "answer" });
    var input = el("input", { type: "text", inputmode: "numeric", pattern: "[0-9]*", maxlength: "3",
                              autocomplete: "off", "aria-label": text.inputLabel, required: "" });
    var button = el("button", { type: "submit", "class": "button primary" }, text.submitText);
    var status = el("p", { "class": "wait", "aria-live": "polite" });
    form.appendChild(input); form.appendChild(button);
    box.appendChild(form); box.appendChild(status);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var number = parseInt(input.value, 10);
      if (isNaN(number)) { input.focus(); return; }
      button.disabled = true;
      post("/study/attention/" + state.id, { session: session, number: number }).then(function (result) {
        if (result.status !== 200) { button.disabled = false; return; }
        if (result.data.passed) { closeDialog(); return; }
        shownCheck = null;
        if (result.data.attention && result.data.attention.id) showCheck(result.data.attention);
        else showBarred(result.data.attention || { retry_in: 0 }, text.wrongText);
      }).catch(function () { button.disabled = false; status.textContent = text.offlineText; });
    });
    clearTimeout(dueTimer);
    dueTimer = setTimeout(function () { shownCheck = null; askForNew(); }, (state.due_in + 1) * 1000);
    input.focus();
  }
  function onAttention(state) {
    if (!state) { closeDialog(); return; }
    if (state.id) showCheck(state);
    else if (state.blocked) showBarred(state);
  }

  function onPlayerEvent(event) {
    var detail = event.detail || {};
    played = ranges(detail.played);
    position = detail.position || 0;
    var name = event.type.replace("nightschool:", "");
    if (name === "play") {
      playing = true;
      send("play");  /* where and when playing began: the learning record's "played" */
      if (!timer) timer = setInterval(function () { if (playing) send("progress"); }, EVERY_MS);
    } else if (name === "ended" || (name === "pause" && !detail.ended)) {
      /* At the end a video fires pause, then ended: one report is enough. */
      playing = false;
      send(name);
    } else if (name === "seeked") {
      send("seeked", detail.from);
    }
  }

  ["play", "pause", "seeked", "ended", "timeupdate"].forEach(function (name) {
    document.addEventListener("nightschool:" + name, onPlayerEvent);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      var state = playerState();
      if (state && !state.paused) send("pause");
    }
  });
  window.addEventListener("pagehide", beacon);
  window.addEventListener("online", flushPending);

  /* Resume where the learner stopped, on any device; a player set up after the tracker's
   * session began says so with player-ready. */
  function resumeAt(seconds) {
    if (playerState()) { request("seek", { position: seconds }); return; }
    document.addEventListener("nightschool:player-ready", function () {
      request("seek", { position: seconds });
    }, { once: true });
  }

  function begin() {
    post("/study/sessions", { lesson: lesson }).then(function (result) {
      if (result.status !== 201) return;
      session = result.data.session;
      banked = result.data.banked || null;
      if (result.data.completion) threshold = Math.round(100 * result.data.completion);
      if (result.data.position > 1) resumeAt(result.data.position);
      onAttention(result.data.attention);
      flushPending();
      /* A tap quicker than the session (a light page plays before it is set up) made a play
       * that could not be reported then: it is reported now. */
      if (playing) send("play");
    }).catch(function () { setTimeout(begin, 15000); });
  }
  begin();
})();
