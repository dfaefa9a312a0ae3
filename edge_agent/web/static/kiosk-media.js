/* Photo, voice and read-aloud on the kiosk (issue 14). Uses window.EdgeKiosk from kiosk.js.
 * Privacy rules as in kiosk.js: the photo and the recording go only to this server, in the request body, and
 * are dropped as soon as it answers (nothing in storage, URLs or the console). The server sends back the
 * recognised text already redacted; it is put in the message box for the customer to check and edit. */
(function () {
  "use strict";

  var K = window.EdgeKiosk;
  if (!K) { return; }
  var body = document.body;
  var MAX_AUDIO_S = parseFloat(body.dataset.maxAudioSeconds) || 60;
  var MAX_IMAGE_BYTES = parseInt(body.dataset.maxImageBytes, 10) || 5 * 1024 * 1024;
  var media = { recorder: null, stream: null, chunks: [], timer: null, busy: false, audio: null };

  function byId(id) { return document.getElementById(id); }

  function status(key) {
    var box = byId("media-status");
    if (!box) { return; }
    if (!key) { box.hidden = true; box.textContent = ""; delete box.dataset.i18n; return; }
    K.setI18n(box, key);
    box.hidden = false;
  }

  function setBusy(busy) {
    media.busy = busy;
    ["photo-button", "voice-button"].forEach(function (id) {
      var b = byId(id);
      if (b && !b.classList.contains("recording")) { b.disabled = busy; }
    });
  }

  /** POST a file to /api/ask/<kind> in transcribe mode; the redacted transcript goes into the message box. */
  function transcribe(kind, field, blob, filename) {
    var form = new FormData();
    form.append("session_id", K.ensureSession());
    form.append("mode", "transcribe");
    if (K.lang()) { form.append("lang", K.lang()); }
    form.append(field, blob, filename);
    setBusy(true);
    status(kind === "image" ? "reading_photo" : "listening_done");
    return fetch(K.api + "/api/ask/" + kind, { method: "POST", credentials: "same-origin", cache: "no-store",
                                              body: form })
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          if (resp.ok && data && typeof data.transcript === "string") {
            K.message.value = data.transcript;
            K.updateCounter();
            K.message.focus({ preventScroll: true });
            status(kind === "image" ? "check_photo_text" : "check_voice_text");
            document.dispatchEvent(new CustomEvent("edge-agent:transcript", { detail: { kind: kind } }));
            return;
          }
          var code = data && data.error ? data.error.code : "";
          if (resp.status === 429 || resp.status === 503) {
            K.pauseForRetry(K.parseRetryAfter(resp.headers.get("Retry-After")));
          }
          status(code === "nothing_recognised" ? (kind === "image" ? "no_text_in_photo" : "no_words_heard")
                 : code === "media_too_large" ? "media_too_large"
                 : code === "unreadable_media" ? "unreadable_media" : "error_generic");
        });
      })
      .catch(function () { status("error_network"); })
      .then(function () { setBusy(false); K.touch(); });
  }

  // ------------------------------------------------------------------ photo

  function wirePhoto() {
    var button = byId("photo-button");
    var input = byId("photo-input");
    if (!button || !input) { return; }
    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.value = "";
      if (!file) { return; }
      if (file.size > MAX_IMAGE_BYTES) { status("media_too_large"); return; }
      transcribe("image", "image", file, file.type === "image/png" ? "photo.png" : "photo.jpg");
    });
  }

  // ------------------------------------------------------------------ voice: press and hold

  function recorderType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"];
    for (var i = 0; i < types.length; i++) {
      if (window.MediaRecorder && MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) {
        return types[i];
      }
    }
    return "";
  }

  function startRecording(button) {
    if (media.recorder || media.busy || !navigator.mediaDevices || !window.MediaRecorder) { return; }
    media.chunks = [];
    button.classList.add("recording");
    button.setAttribute("aria-pressed", "true");
    K.setI18n(button, "recording");
    status("recording_hint");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      if (!button.classList.contains("recording")) {  // released before the microphone opened
        stream.getTracks().forEach(function (tr) { tr.stop(); });
        resetButton(button);
        return;
      }
      var type = recorderType();
      media.stream = stream;
      media.recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      media.recorder.ondataavailable = function (e) { if (e.data && e.data.size) { media.chunks.push(e.data); } };
      media.recorder.onstop = function () {
        var mime = media.recorder.mimeType || type || "audio/webm";
        var blob = new Blob(media.chunks, { type: mime });
        media.chunks = [];
        media.stream.getTracks().forEach(function (tr) { tr.stop(); });
        media.recorder = null;
        media.stream = null;
        resetButton(button);
        if (blob.size) { transcribe("voice", "audio", blob, mime.indexOf("ogg") >= 0 ? "voice.ogg" : "voice.webm"); }
      };
      media.recorder.start(250);
      media.timer = setTimeout(function () { stopRecording(); }, MAX_AUDIO_S * 1000 - 500);
    }).catch(function () {
      resetButton(button);
      status("no_microphone");
    });
  }

  function resetButton(button) {
    button.classList.remove("recording");
    button.setAttribute("aria-pressed", "false");
    K.setI18n(button, "hold_to_talk");
  }

  function stopRecording() {
    var button = byId("voice-button");
    if (media.timer) { clearTimeout(media.timer); media.timer = null; }
    if (media.recorder && media.recorder.state !== "inactive") {
      media.recorder.stop();
    } else if (button && button.classList.contains("recording")) {
      resetButton(button);  // still waiting for the microphone: startRecording cleans up
    }
  }

  function wireVoice() {
    var button = byId("voice-button");
    if (!button) { return; }
    if (!navigator.mediaDevices || !window.MediaRecorder) {  // no microphone API (e.g. plain http on the LAN)
      button.hidden = true;
      return;
    }
    button.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      // Held until released, wherever the finger or pointer drifts: no pointerleave ends it early.
      try { button.setPointerCapture(e.pointerId); } catch (err) { /* not capturable: pointerup still ends it */ }
      startRecording(button);
    });
    ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (name) {
      button.addEventListener(name, function () { stopRecording(); });
    });
    button.addEventListener("keydown", function (e) {
      if ((e.key === " " || e.key === "Enter") && !e.repeat) { e.preventDefault(); startRecording(button); }
    });
    button.addEventListener("keyup", function (e) {
      if (e.key === " " || e.key === "Enter") { e.preventDefault(); stopRecording(); }
    });
    button.addEventListener("contextmenu", function (e) { e.preventDefault(); });  // long press on touch screens
  }

  // ------------------------------------------------------------------ read aloud

  /** Read ``text`` aloud with the server's voice; resolves when it has finished (or failed). ``source``:
   * "question" for the customer's own words (the server hides personal data in them before speaking). */
  function speak(text, lang, onState, source) {
    if (!body.dataset.tts) { return Promise.resolve(false); }
    stopSpeaking();
    var slow = body.classList.contains("elderly");
    onState("loading");
    return fetch(K.api + "/api/speak", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text, lang: lang || undefined, rate: slow ? "slow" : "normal",
                             source: source || "answer" })
    }).then(function (resp) {
      if (!resp.ok) { throw new Error("speak " + resp.status); }
      return resp.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var audio = new Audio(url);
      media.audio = audio;
      return new Promise(function (resolve) {
        function finish(state) {
          URL.revokeObjectURL(url);
          if (media.audio === audio) { media.audio = null; }
          onState(state);
          resolve(state === "done");
        }
        audio.addEventListener("ended", function () { finish("done"); });
        audio.addEventListener("error", function () { finish("error"); });
        audio.play().then(function () { onState("playing"); }).catch(function () { finish("error"); });
      });
    }).catch(function () { onState("error"); return false; });
  }

  function stopSpeaking() {
    if (media.audio) { try { media.audio.pause(); } catch (e) { /* already stopped */ } }
    media.audio = null;
  }

  function addSpeakerButton(bubble, reply) {
    if (!body.dataset.tts || !bubble || bubble.querySelector(".speak")) { return; }
    var text = String((reply && reply.answer) || "");
    if (!text) { return; }
    var button = K.el("button", "btn btn-secondary speak");
    button.type = "button";
    K.setI18n(button, "read_aloud");
    button.addEventListener("click", function () {
      speak(text, null, function (state) { button.dataset.state = state; });
    });
    var text_el = bubble.querySelector(".answer-text");
    if (text_el && text_el.nextSibling) { bubble.insertBefore(button, text_el.nextSibling); } else { bubble.appendChild(button); }
  }

  document.addEventListener("edge-agent:answer", function (e) {
    addSpeakerButton(e.detail && e.detail.bubble, e.detail && e.detail.reply);
  });
  document.addEventListener("edge-agent:idle-reset", function () { stopSpeaking(); status(null); });

  K.speak = speak;
  K.stopSpeaking = stopSpeaking;
  var previousBusy = K.hooks.isBusy;
  K.hooks.isBusy = function () { return media.busy || !!media.recorder || (previousBusy ? previousBusy() : false); };

  wirePhoto();
  wireVoice();
})();
