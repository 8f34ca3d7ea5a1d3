/* Night School lesson player: HLS where the browser plays it, hls.js only where it does not
 * (loaded on demand), the 360p MP4 otherwise. It plays, and tells the page what played; it
 * knows nothing about credit. Whoever tracks study time uses only the event API below, never
 * the <video> element, so the player can change how it plays without breaking them.
 *
 * Event API. Every event is a DOM CustomEvent named "nightschool:<name>", dispatched on the
 * player's root element ([data-nightschool-player]) with bubbles: true, so a listener on
 * document hears every player on the page.
 *
 * Emitted by the player; every detail is plain data (a snapshot, safe to keep):
 *   { asset,         the video asset's uuid (data-asset)
 *     mode,          "auto" | "low" | "audio" (the data-saver choice)
 *     position,      seconds into the media now (also as currentTime, the older name)
 *     duration,      seconds, or null while not yet known
 *     played,        the media intervals played since this source was loaded, as
 *                    [[start, end], ...] in seconds, in order (the browser's video.played)
 *     playbackRate, paused, ended }
 *   player-ready    the player is set up and listens for requests (duration may be null yet)
 *   durationchange  the media's length became known or changed
 *   play, pause, ended, waiting (stalled for data)
 *   seeked          the detail also has from: where the media stood before the seek
 *   timeupdate      while playing, at most every 5 s
 *   state           the answer to request-state, dispatched before dispatchEvent returns
 *
 * Heard by the player: dispatch them at its root element (or at document, which addresses
 * every player on the page):
 *   request-play    play (browsers may refuse to play unasked; the refusal is ignored)
 *   request-pause   pause
 *   request-seek    { position } go there, now or as soon as the media's length is known
 *                   (a position within the last 3 s is ignored: it would end the lesson)
 *   request-state   answer at once with a "state" event carrying the detail above
 */
(function () {
  "use strict";
  if (window.NightSchoolPlayer) return;
  var MODE_KEY = "nightschool:data-saver";
  var EVENT_EVERY_MS = 5000;
  var SAVE_EVERY_MS = 3000;
  /* A segment fetch that failed (the connection dropped) can leave the browser's own HLS
   * playing nothing with data in hand; it never asks again. Frozen this many checks with
   * data buffered, or this many while waiting for data, the player loads the source again
   * where it stood. */
  var STALL_CHECK_MS = 2000;
  var STALL_CHECKS_BUFFERED = 3;
  var STALL_CHECKS_WAITING = 15;
  var hlsjsLoading = null;

  function store(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  function load(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function loadHlsJs(src) {
    if (window.Hls) return Promise.resolve(window.Hls);
    if (!hlsjsLoading) {
      hlsjsLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.Hls); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return hlsjsLoading;
  }

  function Player(root) {
    this.root = root;
    this.video = root.querySelector("video");
    this.data = root.dataset;
    this.positionKey = "nightschool:position:" + this.data.asset;
    this.hls = null;
    this.lastEvent = 0;
    this.lastSave = 0;
    this.settled = 0;       /* the position before any seek now under way */
    this.seekFrom = null;
    var start = parseFloat(this.data.start);
    this.start = start > 0 ? start : parseFloat(load(this.positionKey)) || 0;
    this.mode = load(MODE_KEY) || "auto";
    if (this.mode === "audio" && !this.data.audio) this.mode = "auto";
    this.attaching = false;
    this.wantsPlay = !this.video.paused;  /* tapped before this script ran */
    this.bind();
    this.listen();
    this.watchStalls();
    this.setMode(this.mode, false);
    this.emit("player-ready");
  }

  Player.prototype.nativeHls = function () {
    return this.video.canPlayType("application/vnd.apple.mpegurl") !== "";
  };

  Player.prototype.source = function (mode) {
    var d = this.data;
    if (mode === "audio" && d.audio) return { url: d.audio, hls: false };
    if (d.master) return { url: mode === "low" && d.low ? d.low : d.master, hls: true };
    return { url: d.mp4, hls: false };
  };

  /* One tap always plays. A tap that comes before the source is attached (the script still
   * loading on a slow link, or hls.js still on its way) is remembered and honoured once the
   * source is there: setting a source aborts a pending play(), which used to swallow the tap.
   * Where hls.js must load first, the 360p MP4 is attached at once, so a tap plays it
   * straight away; hls.js takes over only if nothing has played by the time it arrives. */
  Player.prototype.attach = function (src) {
    var video = this.video, self = this;
    if (this.hls) { this.hls.destroy(); this.hls = null; }
    this.hlsLoading = false;
    if (!src.hls || this.nativeHls()) {
      /* Already playing that source (from the markup): leave it, or the tap is undone. */
      if (video.currentSrc !== new URL(src.url, document.baseURI).href) video.src = src.url;
      return Promise.resolve();
    }
    if (this.data.hlsjs && window.MediaSource) {
      if (this.data.mp4 && !window.Hls && !video.currentSrc) video.src = this.data.mp4;
      return loadHlsJs(this.data.hlsjs).then(function (Hls) {
        if (!Hls || !Hls.isSupported()) throw new Error("no MSE");
        if (video.currentSrc && (self.wantsPlay || !video.paused || video.played.length)) return;
        /* As preload="none" does for the browser's own player: nothing but the playlist
         * before the learner asks to play. */
        self.hls = new Hls({ capLevelToPlayerSize: true, autoStartLoad: false });
        self.hls.loadSource(src.url);
        self.hls.attachMedia(video);
        if (self.wantsPlay || !video.paused) self.startLoading();
      }).catch(function () { if (!video.currentSrc) video.src = self.data.mp4; });
    }
    video.src = this.data.mp4;
    return Promise.resolve();
  };

  Player.prototype.startLoading = function () {
    if (this.hls && !this.hlsLoading) { this.hlsLoading = true; this.hls.startLoad(-1); }
  };

  Player.prototype.playNow = function () {
    var video = this.video, self = this;
    var playing = video.play();
    if (playing) playing.then(function () { self.wantsPlay = false; }).catch(function () {});
  };

  Player.prototype.setMode = function (mode, keepPlace) {
    var video = this.video, self = this;
    var at = keepPlace === false ? this.start : video.currentTime;
    var playing = keepPlace !== false && !video.paused;
    this.mode = mode;
    store(MODE_KEY, mode);
    this.root.setAttribute("data-mode", mode);
    this.root.querySelectorAll("[data-mode]").forEach(function (button) {
      if (button.tagName === "BUTTON") button.setAttribute("aria-pressed", String(button.dataset.mode === mode));
    });
    this.attaching = true;
    return this.attach(this.source(mode)).then(function () {
      self.attaching = false;
      if (at > 0) self.seekWhenReady(at);
      if (playing || self.wantsPlay) self.playNow();
    });
  };

  Player.prototype.seekWhenReady = function (seconds) {
    var video = this.video;
    var go = function () {
      if (!video.duration || seconds < video.duration - 3) video.currentTime = seconds;
    };
    if (video.readyState >= 1) go(); else video.addEventListener("loadedmetadata", go, { once: true });
  };

  Player.prototype.snapshot = function () {
    var video = this.video, played = [];
    for (var i = 0; i < video.played.length; i++) played.push([video.played.start(i), video.played.end(i)]);
    return {
      asset: this.data.asset, mode: this.mode, position: video.currentTime, currentTime: video.currentTime,
      duration: isFinite(video.duration) ? video.duration : null, played: played,
      playbackRate: video.playbackRate, paused: video.paused, ended: video.ended
    };
  };

  Player.prototype.emit = function (name, extra) {
    var detail = this.snapshot();
    Object.keys(extra || {}).forEach(function (key) { detail[key] = extra[key]; });
    this.root.dispatchEvent(new CustomEvent("nightschool:" + name, { bubbles: true, detail: detail }));
  };

  /* A request is for this player when it was dispatched at the player, inside it, or at an
   * ancestor such as document. */
  Player.prototype.addressed = function (event) {
    var target = event.target;
    return !!target && typeof target.contains === "function" &&
      (target.contains(this.root) || this.root.contains(target));
  };

  Player.prototype.listen = function () {
    var self = this, video = this.video;
    var requests = {
      play: function () {
        if (self.attaching || !video.currentSrc) self.wantsPlay = true;
        self.playNow();
      },
      pause: function () { video.pause(); },
      seek: function (detail) {
        var position = parseFloat(detail && detail.position);
        if (isFinite(position) && position >= 0) self.seek(position);
      },
      state: function () { self.emit("state"); }
    };
    Object.keys(requests).forEach(function (name) {
      document.addEventListener("nightschool:request-" + name, function (event) {
        if (self.addressed(event)) requests[name](event.detail);
      });
    });
  };

  Player.prototype.bind = function () {
    var self = this, video = this.video;
    ["play", "pause", "ended", "waiting", "durationchange"].forEach(function (name) {
      video.addEventListener(name, function () { self.emit(name); });
    });
    /* A seek's origin: the position last seen before it began (dragging the bar seeks
     * many times before it settles; the first origin is the one that counts). */
    video.addEventListener("seeking", function () {
      if (self.seekFrom === null) self.seekFrom = self.settled;
    });
    video.addEventListener("seeked", function () {
      var from = self.seekFrom === null ? self.settled : self.seekFrom;
      self.seekFrom = null;
      self.settled = video.currentTime;
      self.emit("seeked", { from: from });
    });
    video.addEventListener("play", function () {
      if (self.attaching || !video.currentSrc) self.wantsPlay = true;
      self.startLoading();
    });
    video.addEventListener("playing", function () { self.wantsPlay = false; });
    /* The browser's own controls ignore a tap until the media's length is known, which on a
     * slow link takes seconds: such a tap is a play request, and is kept until it plays. */
    video.addEventListener("click", function () {
      if (video.readyState >= 1 || !video.paused) return;
      self.wantsPlay = true;
      self.playNow();
    });
    video.addEventListener("timeupdate", function () {
      if (!video.seeking && self.seekFrom === null) self.settled = video.currentTime;
      var now = Date.now();
      if (now - self.lastEvent >= EVENT_EVERY_MS) { self.lastEvent = now; self.emit("timeupdate"); }
      if (now - self.lastSave >= SAVE_EVERY_MS) { self.lastSave = now; store(self.positionKey, String(video.currentTime)); }
    });
    video.addEventListener("pause", function () { store(self.positionKey, String(video.currentTime)); });
    video.addEventListener("ended", function () { store(self.positionKey, null); });
    this.root.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !self.root.contains(button)) return;
      if (button.dataset.mode) self.setMode(button.dataset.mode, true);
      if (button.dataset.seek) { video.currentTime = parseFloat(button.dataset.seek); video.play().catch(function () {}); }
    });
  };

  Player.prototype.watchStalls = function () {
    var self = this, video = this.video, last = -1, frozen = 0;
    var reset = function () { last = -1; frozen = 0; };
    setInterval(function () {
      if (video.paused || video.ended || video.seeking || self.attaching || !video.currentSrc) return reset();
      if (video.currentTime !== last) { last = video.currentTime; frozen = 0; return; }
      if (navigator.onLine === false) return;
      frozen += 1;
      var limit = video.readyState >= 3 ? STALL_CHECKS_BUFFERED : STALL_CHECKS_WAITING;
      if (frozen >= limit) { reset(); self.reload(); }
    }, STALL_CHECK_MS);
    /* Back online with the media stuck: ask again at once. */
    window.addEventListener("online", function () {
      if (frozen > 0 && !video.paused) { reset(); self.reload(); }
    });
  };

  Player.prototype.reload = function () {
    var video = this.video, at = video.currentTime, rate = video.playbackRate;
    if (this.hls) { this.hls.startLoad(at); return; }
    video.src = video.currentSrc;
    video.playbackRate = rate;  /* loading again would reset it */
    this.seekWhenReady(at);
    this.wantsPlay = true;
    this.playNow();
  };

  /* Hooks for whoever stores positions elsewhere (e.g. across devices). */
  Player.prototype.seek = function (seconds) { this.seekWhenReady(seconds); };
  Player.prototype.setStart = function (seconds) { this.start = seconds; this.seekWhenReady(seconds); };

  function init() {
    document.querySelectorAll("[data-nightschool-player]").forEach(function (root) {
      if (root.nightschoolPlayer || !root.querySelector("video")) return;
      root.nightschoolPlayer = new Player(root);
      window.NightSchoolPlayer.players.push(root.nightschoolPlayer);
    });
  }

  window.NightSchoolPlayer = { players: [], init: init };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
