/* Night School study tracker. Listens to the lesson player's nightschool:* events and tells
 * the server which media intervals played (video.played), never how long was studied.
 * Reports about every 30 s while playing and on pause, end, tab-hide and page-leave; a report
 * that cannot be sent waits in localStorage and goes when the connection returns. */
(function () {
  "use strict";
  var root = document.querySelector("[data-study-tracker]");
  if (!root || !window.fetch) return;
  var api = root.dataset.api, lesson = parseInt(root.dataset.lesson, 10);
  var csrf = root.dataset.csrf;
  var EVERY_MS = 30000;
  var session = null, seq = 0, played = [], position = 0, playing = false, timer = null;
  var pendingKey = "nightschool:pending:" + lesson;
  var video = null, overlay = null;

  function ranges(timeRanges) {
    var out = [];
    for (var i = 0; timeRanges && i < timeRanges.length; i++) {
      out.push([timeRanges.start(i), timeRanges.end(i)]);
    }
    return out;
  }
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
  function current(event) {
    if (video) {  /* read the element itself: the player's events come only every few seconds */
      played = mergeRanges(played, ranges(video.played));
      position = video.currentTime || position;
    }
    seq += 1;
    return { session: session, seq: seq, lesson: lesson, played: played, position: position, event: event };
  }

  var inflight = Promise.resolve();

  /* Reports go one at a time, in order: on a weak link they would otherwise race each other,
   * and the server would see the later one first. */
  function send(event) {
    if (!session) return;
    var report = current(event);
    store(report);
    inflight = inflight.then(function () {
      return post("/study/reports", report).then(function (result) {
        store(null);
        root.dispatchEvent(new CustomEvent("nightschool:credited", { bubbles: true, detail: result.data }));
        if (result.data && result.data.attention) ask(result.data.attention);
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

  function ask(check) {
    if (overlay || !video) return;
    video.pause();
    overlay = document.createElement("div");
    overlay.className = "attention";
    overlay.setAttribute("role", "dialog");
    var choices = [check.number];
    while (choices.length < 4) {
      var n = 10 + Math.floor(Math.random() * 90);
      if (choices.indexOf(n) < 0) choices.push(n);
    }
    choices.sort(function () { return Math.random() - 0.5; });
    var prompt = document.createElement("p");
    prompt.textContent = root.dataset.askText.replace("{number}", check.number);
    overlay.appendChild(prompt);
    choices.forEach(function (n) {
      var button = document.createElement("button");
      button.type = "button"; button.className = "button primary"; button.textContent = String(n);
      button.addEventListener("click", function () {
        post("/study/attention/" + check.id, { session: session, number: n }).finally(function () {
          overlay.remove(); overlay = null; video.play().catch(function () {});
        });
      });
      overlay.appendChild(button);
    });
    root.appendChild(overlay);
  }

  function onPlayerEvent(event) {
    var detail = event.detail || {};
    played = ranges(detail.played);
    position = detail.currentTime || 0;
    var name = event.type.replace("nightschool:", "");
    if (name === "play") {
      playing = true;
      if (!timer) timer = setInterval(function () { if (playing) send("progress"); }, EVERY_MS);
    } else if (name === "ended" || (name === "pause" && !(video && video.ended))) {
      /* At the end a video fires pause, then ended: one report is enough. */
      playing = false;
      send(name);
    } else if (name === "seeked") {
      send("seeked");
    }
  }

  ["play", "pause", "seeked", "ended", "timeupdate"].forEach(function (name) {
    document.addEventListener("nightschool:" + name, onPlayerEvent);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { if (video && !video.paused) send("pause"); }
  });
  window.addEventListener("pagehide", beacon);
  window.addEventListener("online", flushPending);

  function begin() {
    var playerRoot = document.querySelector("[data-nightschool-player]");
    video = playerRoot ? playerRoot.querySelector("video") : null;
    post("/study/sessions", { lesson: lesson }).then(function (result) {
      if (result.status !== 201) return;
      session = result.data.session;
      var player = playerRoot && playerRoot.nightschoolPlayer;
      if (player && result.data.position > 1) player.setStart(result.data.position);
      flushPending();
    }).catch(function () { setTimeout(begin, 15000); });
  }
  begin();
})();
