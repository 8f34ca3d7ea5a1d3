/* Admin side of lesson videos: live progress bars, and a chunked upload that resumes. */
(function () {
  "use strict";
  var CHUNK = 2 * 1024 * 1024;

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* Progress: poll the status of every row still queued or processing. */
  function poll() {
    var box = document.querySelector("[data-video-status-url]");
    if (!box) return;
    var rows = Array.prototype.slice.call(box.querySelectorAll("[data-video-id]"));
    var busy = rows.filter(function (row) { return row.dataset.status === "queued" || row.dataset.status === "processing"; });
    if (!busy.length) return;
    var query = busy.map(function (row) { return "id=" + row.dataset.videoId; }).join("&");
    fetch(box.dataset.videoStatusUrl + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.assets.forEach(function (asset) {
          var row = box.querySelector('[data-video-id="' + asset.id + '"]');
          if (!row) return;
          var changed = row.dataset.status !== asset.status;
          row.dataset.status = asset.status;
          row.querySelector("[data-video-status-label]").textContent = asset.status_label;
          var bar = row.querySelector("[data-video-progress]");
          bar.value = asset.percent;
          bar.hidden = !(asset.status === "processing" || asset.status === "queued");
          row.querySelector("[data-video-percent]").textContent = asset.status === "processing" ? asset.percent + "%" : "";
          var error = row.querySelector("[data-video-error]");
          if (error) error.textContent = asset.error;
          var notice = row.querySelector("[data-video-notice]");
          if (notice) { notice.textContent = asset.notice; notice.hidden = !asset.notice; }
          if (changed && row.hasAttribute("data-reload-on-change")) window.location.reload();
        });
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 2000); });
  }

  /* Upload: one chunk at a time with its offset; on any failure ask where to resume. */
  function Uploader(form) {
    this.form = form;
    this.bar = form.querySelector("[data-upload-progress]");
    this.message = form.querySelector("[data-upload-message]");
    form.addEventListener("submit", this.submit.bind(this));
  }
  Uploader.prototype.say = function (key) {
    this.message.classList.remove("error-message");
    this.message.textContent = this.message.dataset[key] || key;
  };
  Uploader.prototype.refuse = function (text) {
    this.message.classList.add("error-message");
    this.message.textContent = text;
  };
  Uploader.prototype.key = function (file) { return "nightschool:upload:" + [file.name, file.size, file.lastModified].join(":"); };
  Uploader.prototype.submit = function (event) {
    event.preventDefault();
    var file = this.form.querySelector("input[type=file]").files[0];
    if (!file) return;
    if (file.size > parseInt(this.form.dataset.maxBytes, 10)) { this.say("msgTooLarge"); return; }
    this.file = file;
    this.bar.hidden = false;
    this.say("msgUploading");
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(this.key(file))); } catch (e) {}
    var self = this;
    var ready = saved && saved.url
      ? fetch(saved.url, { credentials: "same-origin" }).then(function (r) { if (!r.ok) throw new Error(); return r.json(); })
      : Promise.reject();
    ready.catch(function () { return self.start(); }).then(function (state) { self.send(state, 0); });
  };
  Uploader.prototype.start = function () {
    var self = this;
    var title = this.form.querySelector("input[name=title]").value || this.file.name.replace(/\.[^.]+$/, "");
    return fetch(this.form.dataset.startUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ title: title, filename: this.file.name, size: this.file.size })
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { self.refuse(data.error); throw new Error(data.error); }
        try { localStorage.setItem(self.key(self.file), JSON.stringify(data)); } catch (e) {}
        return data;
      });
    });
  };
  Uploader.prototype.send = function (state, failures) {
    var self = this;
    this.bar.value = Math.floor(100 * state.offset / this.file.size);
    if (state.done) {
      try { localStorage.removeItem(this.key(this.file)); } catch (e) {}
      this.say("msgDone");
      if (state.asset_url) window.location.href = state.asset_url;
      return;
    }
    var end = Math.min(state.offset + CHUNK, this.file.size);
    fetch(state.url, {
      method: "PUT", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "X-Upload-Offset": String(state.offset), "Content-Type": "application/octet-stream" },
      body: this.file.slice(state.offset, end)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (r.ok || r.status === 409) { self.say("msgUploading"); self.send(data, 0); return; }
        if (r.status === 400) {
          /* Refused for good (not a recording, say): the server forgot the upload. */
          try { localStorage.removeItem(self.key(self.file)); } catch (e) {}
          self.bar.hidden = true;
        }
        self.refuse(data.error || self.message.dataset.msgFailed);
      });
    }).catch(function () {
      if (failures > 20) { self.say("msgFailed"); return; }
      self.say("msgRetrying");
      window.setTimeout(function () {
        fetch(state.url, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (fresh) { self.send(fresh, failures + 1); })
          .catch(function () { self.send(state, failures + 1); });
      }, Math.min(30000, 1000 * Math.pow(2, failures)));
    });
  };

  function init() {
    poll();
    document.querySelectorAll("[data-video-uploader]").forEach(function (form) { new Uploader(form); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
