/* Night School lesson player: HLS where the browser plays it, hls.js only where it does not
 * (loaded on demand), the 360p MP4 otherwise. Emits nightschool:* events on the player
 * element for whoever tracks study time; knows nothing about credit itself. */
(function () {
  "use strict";
  if (window.NightSchoolPlayer) return;
  var MODE_KEY = "nightschool:data-saver";
  var EVENT_EVERY_MS = 5000;
  var SAVE_EVERY_MS = 3000;
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
    var start = parseFloat(this.data.start);
    this.start = start > 0 ? start : parseFloat(load(this.positionKey)) || 0;
    this.mode = load(MODE_KEY) || "auto";
    if (this.mode === "audio" && !this.data.audio) this.mode = "auto";
    this.bind();
    this.setMode(this.mode, false);
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

  Player.prototype.attach = function (src) {
    var video = this.video, self = this;
    if (this.hls) { this.hls.destroy(); this.hls = null; }
    if (!src.hls || this.nativeHls()) { video.src = src.url; return Promise.resolve(); }
    if (this.data.hlsjs && window.MediaSource) {
      return loadHlsJs(this.data.hlsjs).then(function (Hls) {
        if (!Hls || !Hls.isSupported()) throw new Error("no MSE");
        self.hls = new Hls({ capLevelToPlayerSize: true });
        self.hls.loadSource(src.url);
        self.hls.attachMedia(video);
      }).catch(function () { video.src = self.data.mp4; });
    }
    video.src = this.data.mp4;
    return Promise.resolve();
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
    return this.attach(this.source(mode)).then(function () {
      if (at > 0) self.seekWhenReady(at);
      if (playing) video.play().catch(function () {});
    });
  };

  Player.prototype.seekWhenReady = function (seconds) {
    var video = this.video;
    var go = function () {
      if (!video.duration || seconds < video.duration - 3) video.currentTime = seconds;
    };
    if (video.readyState >= 1) go(); else video.addEventListener("loadedmetadata", go, { once: true });
  };

  Player.prototype.emit = function (name) {
    var video = this.video;
    this.root.dispatchEvent(new CustomEvent("nightschool:" + name, {
      bubbles: true,
      detail: {
        asset: this.data.asset, mode: this.mode, currentTime: video.currentTime,
        duration: video.duration, played: video.played, playbackRate: video.playbackRate
      }
    }));
  };

  Player.prototype.bind = function () {
    var self = this, video = this.video;
    ["play", "pause", "seeked", "ended"].forEach(function (name) {
      video.addEventListener(name, function () { self.emit(name); });
    });
    video.addEventListener("timeupdate", function () {
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
