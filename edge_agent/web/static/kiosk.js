/* edge-agent kiosk page. Plain JS, no build step, no third-party code, no network calls except to
 * this server. Privacy rules: the customer's text is never put in a URL, in localStorage or
 * sessionStorage, or in console output; only the session id is kept (in sessionStorage). */
(function () {
  "use strict";

  var SESSION_KEY = "edge-agent.session_id";
  var CLIENT_TIMEOUT_MS = 180000; // the server enforces its own generation deadline; this is a backstop
  var MAX_RETRY_WAIT_S = 120;

  var body = document.body;
  var STRINGS = JSON.parse(document.getElementById("kiosk-strings").textContent);
  var MAX_CHARS = parseInt(body.dataset.maxChars, 10) || 2000;
  var IDLE_RESET_S = parseInt(body.dataset.idleResetSeconds, 10) || 0;
  var IDLE_RESET_ELDERLY_S = parseInt(body.dataset.idleResetElderlySeconds, 10) || IDLE_RESET_S;
  var API = (body.dataset.apiBase || "").replace(/\/+$/, "");
  var COLLECTION = body.dataset.collection || "";

  var els = {
    conversation: document.getElementById("conversation"),
    form: document.getElementById("composer"),
    message: document.getElementById("message"),
    send: document.getElementById("send"),
    counter: document.getElementById("char-counter"),
    warning: document.getElementById("counter-warning"),
    langToggle: document.getElementById("lang-toggle"),
    newConversation: document.getElementById("new-conversation")
  };

  var state = {
    lang: STRINGS[body.dataset.defaultLang] ? body.dataset.defaultLang : "zh",
    sessionId: null,
    busy: false,          // a request is in flight
    retryUntil: 0,        // Date.now() before which sending is paused after a 503
    retryTimer: null,
    controller: null,     // AbortController of the request in flight
    generation: 0,        // bumped by "new conversation" so late replies are dropped
    idleTimer: null
  };

  // ---------------------------------------------------------------- strings and language

  function t(key, vars) {
    var table = STRINGS[state.lang] || {};
    var text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : (STRINGS.en[key] || key);
    if (vars) {
      Object.keys(vars).forEach(function (name) {
        text = text.split("{" + name + "}").join(String(vars[name]));
      });
    }
    return text;
  }

  /** Set an element's text from a string key and remember the key, so a language switch re-translates it. */
  function setI18n(el, key, vars) {
    el.dataset.i18n = key;
    if (vars) { el.dataset.i18nVars = JSON.stringify(vars); } else { delete el.dataset.i18nVars; }
    el.textContent = t(key, vars);
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.title = t("page_title");
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      var vars = el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : null;
      el.textContent = t(el.dataset.i18n, vars);
    });
    [["i18nAriaLabel", "aria-label"], ["i18nTitle", "title"], ["i18nPlaceholder", "placeholder"]].forEach(function (pair) {
      var selector = "[data-" + pair[0].replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }) + "]";
      document.querySelectorAll(selector).forEach(function (el) {
        el.setAttribute(pair[1], t(el.dataset[pair[0]]));
      });
    });
    // The toggle names the *other* language, in that language.
    els.langToggle.setAttribute("lang", state.lang === "zh" ? "en" : "zh-CN");
    updateCounter();
  }

  // ---------------------------------------------------------------- session

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // crypto.randomUUID needs a secure context; a kiosk reached over plain http on the LAN is not one.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function storageGet() {
    try { return window.sessionStorage.getItem(SESSION_KEY); } catch (e) { return null; }
  }

  function storageSet(value) {
    try {
      if (value) { window.sessionStorage.setItem(SESSION_KEY, value); } else { window.sessionStorage.removeItem(SESSION_KEY); }
    } catch (e) { /* storage disabled: keep the id in memory only */ }
  }

  function ensureSession() {
    if (!state.sessionId) {
      state.sessionId = storageGet() || newUuid();
      storageSet(state.sessionId);
    }
    return state.sessionId;
  }

  /** Ask the server to wipe the session. On page unload use a beacon; otherwise a keepalive fetch. */
  function endSession(unloading) {
    if (!state.sessionId) { return; }
    var payload = JSON.stringify({ session_id: state.sessionId });
    var sent = false;
    if (unloading && navigator.sendBeacon) {
      try {
        sent = navigator.sendBeacon(API + "/api/session/end", new Blob([payload], { type: "application/json" }));
      } catch (e) { sent = false; }
    }
    if (!sent) {
      try {
        fetch(API + "/api/session/end", {
          method: "POST", keepalive: true, credentials: "same-origin",
          headers: { "Content-Type": "application/json" }, body: payload
        }).catch(function () {});
      } catch (e) { /* nothing else to try */ }
    }
  }

  function resetSession(unloading) {
    stopStaffPolling();
    endSession(unloading);
    state.sessionId = null;
    storageSet(null);
  }

  // ---------------------------------------------------------------- conversation rendering

  function scrollToBottom() {
    els.conversation.scrollTop = els.conversation.scrollHeight;
  }

  function appendToConversation(node) {
    els.conversation.appendChild(node);
    scrollToBottom();
    return node;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function srLabel(key) {
    var span = el("span", "sr-only");
    setI18n(span, key);
    return span;
  }

  function addCustomerBubble(text) {
    var bubble = el("div", "bubble customer");
    bubble.appendChild(srLabel("you"));
    bubble.appendChild(el("p", "bubble-text", text));
    return appendToConversation(bubble);
  }

  /** Once the reply is in, the customer's own words on the shared screen are the redacted ones (issue 11). */
  function showRedactedQuestion(bubble, question) {
    if (!bubble || typeof question !== "string" || !question) { return; }
    var text = bubble.querySelector(".bubble-text");
    renderAnswerText(text, question);
    bubble.dataset.redacted = "true";
  }

  function addTyping() {
    var bubble = el("div", "bubble assistant typing");
    var label = el("span", "typing-label");
    setI18n(label, "typing");
    var dots = el("span", "typing-dots");
    dots.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) { dots.appendChild(el("span", "dot")); }
    bubble.appendChild(dots);
    bubble.appendChild(label);
    return appendToConversation(bubble);
  }

  function addSystemMessage(key, vars, kind) {
    var box = el("div", "system-message" + (kind ? " " + kind : ""));
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    setI18n(box, key, vars);
    return appendToConversation(box);
  }

  function addMaskingNotice(text, beforeNode) {
    var box = el("div", "masking-notice");
    box.setAttribute("role", "status");
    var title = el("strong", "masking-notice-title");
    setI18n(title, "privacy_title");
    box.appendChild(title);
    box.appendChild(el("span", "masking-notice-text", text)); // the server's own sentence, in the customer's language
    if (beforeNode && beforeNode.parentNode === els.conversation) {
      els.conversation.insertBefore(box, beforeNode);
      scrollToBottom();
      return box;
    }
    return appendToConversation(box);
  }

  /** Fill `target` with answer text, turning placeholders like <CREDIT_CARD_1> into friendly chips. */
  function renderAnswerText(target, text) {
    target.textContent = "";
    var re = /<([A-Z][A-Z0-9_]*?)_(\d+)>/g;
    var last = 0;
    var match;
    while ((match = re.exec(text)) !== null) {
      if (match.index > last) { target.appendChild(document.createTextNode(text.slice(last, match.index))); }
      var chip = el("span", "placeholder");
      var key = STRINGS.en["hidden_" + match[1]] ? "hidden_" + match[1] : "hidden_value";
      setI18n(chip, key);
      chip.dataset.entity = match[1];
      target.appendChild(chip);
      last = re.lastIndex;
    }
    if (last < text.length) { target.appendChild(document.createTextNode(text.slice(last))); }
  }

  function createAnswerBubble() {
    var bubble = el("div", "bubble assistant answer");
    bubble.dataset.state = "streaming";
    bubble.setAttribute("aria-busy", "true");
    bubble.appendChild(srLabel("assistant"));
    bubble.appendChild(el("p", "answer-text"));
    return bubble;
  }

  function renderSources(bubble, sources) {
    var old = bubble.querySelector(".sources-block");
    if (old) { old.remove(); }
    if (!sources || !sources.length) { return; }
    var block = el("div", "sources-block");
    var heading = el("p", "sources-heading");
    setI18n(heading, "sources");
    block.appendChild(heading);
    var list = el("ol", "sources");
    sources.forEach(function (src, i) {
      var item = el("li", "source");
      item.appendChild(el("span", "source-number", "[" + (i + 1) + "]"));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", "source-title", (src && (src.title || src.id)) || ""));
      if (src && src.id) { item.dataset.sourceId = String(src.id); }
      list.appendChild(item);
    });
    block.appendChild(list);
    bubble.appendChild(block);
  }

  /** A clarifying question: the intro line, one button per offered entry, and the way to a person. */
  function renderChoices(bubble, result) {
    var text = bubble.querySelector(".answer-text");
    text.textContent = String(result.answer || "").split("\n")[0];
    var list = el("div", "choices");
    (result.sources || []).forEach(function (src) {
      var button = el("button", "btn btn-secondary choice", (src && (src.title || src.id)) || "");
      button.type = "button";
      button.dataset.sourceId = String(src.id);
      button.addEventListener("click", function () {
        list.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        sendMessage({ id: String(src.id), title: button.textContent });
      });
      list.appendChild(button);
    });
    var none = el("button", "btn btn-secondary choice-none");
    none.type = "button";
    setI18n(none, "none_of_these");
    none.addEventListener("click", function () {
      list.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      els.message.value = t("talk_to_person_request");  // the server's escalation policy hears this
      updateCounter();
      sendMessage();
    });
    list.appendChild(none);
    bubble.appendChild(list);
  }

  /** A quote that shows only the sentences that answer: the whole entry one tap away. */
  function renderFullAnswer(bubble, full) {
    if (!full) { return; }
    var text = bubble.querySelector(".answer-text");
    var short = text.textContent;
    var toggle = el("button", "btn btn-link show-full");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    setI18n(toggle, "show_full");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      renderAnswerText(text, open ? short : full);
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      setI18n(toggle, open ? "show_full" : "show_less");
    });
    bubble.appendChild(toggle);
  }

  function renderKind(bubble, kind) {
    bubble.dataset.kind = kind || "generated";
    bubble.querySelectorAll(".answer-label, .escalate").forEach(function (n) { n.remove(); });
    var text = bubble.querySelector(".answer-text");
    if (kind === "quoted" || kind === "declined" || kind === "escalated" || kind === "clarify") {
      var label = el("p", "answer-label " + kind);
      setI18n(label, kind);
      bubble.insertBefore(label, text);
    }
    if (kind === "declined") {
      var button = el("button", "btn btn-secondary escalate");
      button.type = "button";
      setI18n(button, "talk_to_person");
      button.addEventListener("click", function () {
        button.disabled = true;
        els.message.value = t("talk_to_person_request");  // the server's escalation policy hears this
        updateCounter();
        sendMessage();
      });
      bubble.appendChild(button);
    }
  }

  // ---------------------------------------------------------------- replies from a person

  var staff = { timer: null, after: 0, seen: false };

  function startStaffPolling() {
    if (staff.timer) { return; }
    staff.timer = setInterval(pollStaff, 3000);
  }

  function stopStaffPolling() {
    if (staff.timer) { clearInterval(staff.timer); }
    staff.timer = null;
    staff.after = 0;
    staff.seen = false;
  }

  function pollStaff() {
    if (!state.sessionId) { return; }
    var sessionAtStart = state.sessionId;
    fetch(API + "/api/session/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: state.sessionId, after: staff.after })
    }).then(function (resp) { return resp.ok ? resp.json() : null; }).then(function (data) {
      if (!data || sessionAtStart !== state.sessionId) { return; }
      data.messages.forEach(function (m) {
        staff.after = Math.max(staff.after, m.id);
        var bubble = createAnswerBubble();
        bubble.classList.add("staff");
        bubble.dataset.kind = "staff";
        var label = el("p", "answer-label staff");
        setI18n(label, "staff");
        var text = bubble.querySelector(".answer-text");
        bubble.insertBefore(label, text);
        renderAnswerText(text, String(m.text || ""));
        appendToConversation(bubble);
        bubble.dataset.state = "done";
        bubble.setAttribute("aria-busy", "false");
        scrollToBottom();
      });
      if (data.handover) { staff.seen = true; }
      if (!data.handover && staff.seen) {
        addSystemMessage("handover_closed", null, "info");
        stopStaffPolling();
      }
    }).catch(function () {});
  }

  // ---------------------------------------------------------------- counter and send button

  function charCount(text) {
    return Array.from(text).length; // code points, as the server counts them
  }

  function updateCounter() {
    var n = charCount(els.message.value);
    var over = n - MAX_CHARS;
    els.counter.textContent = n + " / " + MAX_CHARS;
    els.counter.classList.toggle("over", over > 0);
    els.message.setAttribute("aria-invalid", over > 0 ? "true" : "false");
    if (over > 0) {
      setI18n(els.warning, "counter_over", { n: over });
      els.warning.hidden = false;
    } else if (!els.warning.hidden) {
      els.warning.hidden = true;
      els.warning.textContent = "";
      delete els.warning.dataset.i18n;
    }
    updateSendButton();
  }

  function canSend() {
    var text = els.message.value;
    var n = charCount(text);
    return !state.busy && Date.now() >= state.retryUntil && text.trim().length > 0 && n <= MAX_CHARS;
  }

  function updateSendButton() {
    els.send.disabled = !canSend();
  }

  function pauseForRetry(seconds) {
    state.retryUntil = Date.now() + seconds * 1000;
    if (state.retryTimer) { clearTimeout(state.retryTimer); }
    state.retryTimer = setTimeout(function () { state.retryTimer = null; updateSendButton(); }, seconds * 1000 + 50);
    updateSendButton();
  }

  // ---------------------------------------------------------------- talking to the server

  function parseRetryAfter(value) {
    var s = parseInt(value, 10);
    if (!isFinite(s) || s < 1) {
      var date = Date.parse(value || "");
      s = isFinite(date) ? Math.ceil((date - Date.now()) / 1000) : 5;
    }
    return Math.min(Math.max(s, 1), MAX_RETRY_WAIT_S);
  }

  var SseParser = window.EdgeKioskSse.SseParser;  // kiosk-sse.js (loaded first)

  /** Error (status, code) → a localized message key; never shows server exception text. */
  function errorKeyFor(status, code) {
    if (status === 400 || code === "empty_message") { return "error_empty"; }
    if (status === 413 || code === "message_too_long") { return "error_too_long"; }
    return "error_generic";
  }

  /** Send the message box, or (``choice`` = {id, title}) the entry picked from a clarifying question.
   * ``confirmed``: the elderly mode's confirmation step (kiosk-elderly.js) has already said yes. */
  function sendMessage(choice, confirmed) {
    if (choice) { els.message.value = choice.title; }
    var text = els.message.value;
    if (!canSend()) {
      updateCounter();
      return;
    }
    if (!confirmed && hooks.confirmSend && hooks.confirmSend(text, function () { sendMessage(choice, true); })) {
      return;  // a confirmation is on screen; it calls back when the customer says yes
    }
    touch();
    var generation = state.generation;
    var sessionId = ensureSession();
    var customerBubble = addCustomerBubble(text);
    var typing = addTyping();
    var answer = null;           // the answer bubble, created on the first delta or on done
    var notice = null;           // the masking notice element, if any
    var streamedText = "";
    var finished = false;

    els.message.value = "";
    state.busy = true;
    updateCounter();

    var controller = window.AbortController ? new AbortController() : null;
    state.controller = controller;
    var timeout = setTimeout(function () { if (controller) { controller.abort(); } }, CLIENT_TIMEOUT_MS);

    function stale() { return generation !== state.generation; }

    function removeTyping() {
      if (typing && typing.parentNode) { typing.remove(); }
      typing = null;
    }

    function ensureAnswer() {
      if (!answer) {
        answer = createAnswerBubble();
        if (typing && typing.parentNode) { els.conversation.insertBefore(answer, typing); } else { appendToConversation(answer); }
      }
      return answer;
    }

    function showNotice(noticeText) {
      if (noticeText && !notice) {
        notice = addMaskingNotice(noticeText, answer || typing);
      }
    }

    function onDone(result) {
      finished = true;
      removeTyping();
      showRedactedQuestion(customerBubble, result.question);
      showNotice(result.notice);
      var bubble = ensureAnswer();
      renderAnswerText(bubble.querySelector(".answer-text"), String(result.answer || ""));
      renderKind(bubble, result.answer_kind);
      if (result.answer_kind === "escalated") { startStaffPolling(); }
      if (result.answer_kind === "clarify") {
        renderChoices(bubble, result);
      } else {
        renderSources(bubble, result.sources);
        renderFullAnswer(bubble, result.full_answer);
      }
      bubble.dataset.state = "done";
      bubble.setAttribute("aria-busy", "false");
      document.dispatchEvent(new CustomEvent("edge-agent:answer", { detail: { bubble: bubble, reply: result } }));
      scrollToBottom();
    }

    /** Failure before any answer text: take the customer's words back into the box so nothing is lost. */
    function onFailure(key, vars) {
      finished = true;
      removeTyping();
      if (answer && streamedText) {
        answer.dataset.state = "incomplete";
        answer.setAttribute("aria-busy", "false");
      } else {
        [answer, notice, customerBubble].forEach(function (node) { if (node && node.parentNode) { node.remove(); } });
        answer = null;
        notice = null;
        if (!els.message.value) { els.message.value = text; }
      }
      addSystemMessage(key, vars, key === "busy" ? "busy" : "error");
    }

    function handleEvent(event, data) {
      if (stale() || finished) { return; }
      if (event === "meta") {
        showNotice(data.notice);
      } else if (event === "delta") {
        if (typeof data.text === "string" && data.text) {
          streamedText += data.text;
          var bubble = ensureAnswer();
          removeTyping();
          bubble.querySelector(".answer-text").textContent = streamedText;
          scrollToBottom();
        }
      } else if (event === "done") {
        onDone(data);
      } else if (event === "error") {
        var err = data.error || {};
        onFailure(err.code === "busy" ? "busy" : errorKeyFor(0, err.code), err.code === "busy" ? { s: 5 } : null);
      }
    }

    function handleErrorResponse(response) {
      return response.json().catch(function () { return {}; }).then(function (payload) {
        if (stale()) { return; }
        var code = payload && payload.error ? payload.error.code : null;
        if (response.status === 503 || response.status === 429) {  // busy, or this kiosk's rate limit
          var s = parseRetryAfter(response.headers.get("Retry-After"));
          pauseForRetry(s);
          onFailure("busy", { s: s });
        } else {
          onFailure(errorKeyFor(response.status, code));
        }
      });
    }

    function readStream(response) {
      var reader = response.body.getReader();
      var decoder = new TextDecoder("utf-8");
      var parser = new SseParser(handleEvent);
      function pump() {
        return reader.read().then(function (chunk) {
          if (stale()) { reader.cancel().catch(function () {}); return; }
          if (chunk.done) {
            parser.push(decoder.decode());
            parser.finish();
            if (!finished) { onFailure("error_network"); }
            return;
          }
          parser.push(decoder.decode(chunk.value, { stream: true }));
          return pump();
        });
      }
      return pump();
    }

    function requestBody() {
      var payload = choice ? { session_id: sessionId, choice: choice.id } : { session_id: sessionId, message: text };
      if (COLLECTION) { payload.collection = COLLECTION; }
      return payload;
    }

    function post(path) {
      return fetch(API + path, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Content-Type": "application/json", "Accept": path.slice(-7) === "/stream" ? "text/event-stream" : "application/json" },
        body: JSON.stringify(requestBody()),
        signal: controller ? controller.signal : undefined
      });
    }

    post("/api/chat/stream").then(function (response) {
      if (stale()) { return; }
      if (response.status === 404 || response.status === 405) {
        // No streaming route on this server: use the plain one.
        return post("/api/chat").then(function (plain) {
          if (stale()) { return; }
          if (!plain.ok) { return handleErrorResponse(plain); }
          return plain.json().then(function (result) { if (!stale()) { onDone(result); } });
        });
      }
      if (!response.ok) { return handleErrorResponse(response); }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("text/event-stream") < 0 || !response.body) {
        return response.json().then(function (result) {
          if (stale()) { return; }
          if (result && result.ok === false) { onFailure(errorKeyFor(0, result.error && result.error.code)); } else { onDone(result); }
        });
      }
      return readStream(response);
    }).catch(function () {
      if (!stale() && !finished) { onFailure("error_network"); }
    }).then(function () {
      clearTimeout(timeout);
      if (stale()) { return; }
      state.busy = false;
      state.controller = null;
      updateCounter();
      touch();
      if (document.activeElement === document.body || document.activeElement === els.send) {
        els.message.focus({ preventScroll: true });
      }
    });
  }

  // ---------------------------------------------------------------- new conversation, idle reset

  function clearConversation() {
    Array.prototype.slice.call(els.conversation.children).forEach(function (child) {
      if (!child.classList.contains("welcome")) { child.remove(); }
    });
  }

  function newConversation(announce) {
    state.generation += 1;
    if (state.controller) { try { state.controller.abort(); } catch (e) { /* already done */ } }
    state.controller = null;
    state.busy = false;
    resetSession();
    ensureSession();
    clearConversation();
    els.message.value = "";
    updateCounter();
    if (announce) { addSystemMessage("new_conversation_done", null, "info"); }
  }

  function idleSeconds() {
    return body.classList.contains("elderly") ? IDLE_RESET_ELDERLY_S : IDLE_RESET_S;
  }

  /** The shared screen forgets: after idleSeconds() without a touch, clear it and end the session (issue 12). */
  function touch() {
    if (state.idleTimer) { clearTimeout(state.idleTimer); }
    state.idleTimer = null;
    var seconds = idleSeconds();
    if (!seconds) { return; }
    state.idleTimer = setTimeout(function () {
      state.idleTimer = null;
      if (state.busy || (hooks.isBusy && hooks.isBusy())) { touch(); return; }
      var hasContent = els.message.value || els.conversation.querySelector(
        ".bubble.customer, .system-message, .masking-notice, .answer");
      if (hasContent) {
        newConversation(false);
        document.dispatchEvent(new CustomEvent("edge-agent:idle-reset"));
      }
    }, seconds * 1000);
  }

  // ---------------------------------------------------------------- wiring

  els.form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendMessage();
  });

  els.message.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter is a newline; Enter that confirms an IME composition (Chinese input) does neither.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendMessage();
    }
  });

  els.message.addEventListener("input", function () { updateCounter(); touch(); });

  els.langToggle.addEventListener("click", function () {
    state.lang = state.lang === "zh" ? "en" : "zh";
    applyLanguage();
    touch();
  });

  els.newConversation.addEventListener("click", function () {
    newConversation(true);
    els.message.focus({ preventScroll: true });
  });

  ["pointerdown", "keydown"].forEach(function (name) {
    document.addEventListener(name, touch, { passive: true, capture: true });
  });

  window.addEventListener("pagehide", function () {
    // Leaving or reloading the page ends the server-side session; nothing of the conversation is kept.
    resetSession(true);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { newConversation(false); } // restored from the back/forward cache
  });

  // What the other kiosk scripts (kiosk-media.js, kiosk-elderly.js, feedback.js) may use; they set ``hooks``.
  var hooks = {};
  window.EdgeKiosk = {
    api: API, strings: STRINGS, hooks: hooks, t: t, setI18n: setI18n, el: el,
    lang: function () { return state.lang; },
    ensureSession: ensureSession, touch: touch, idleSeconds: idleSeconds,
    renderAnswerText: renderAnswerText, addSystemMessage: addSystemMessage,
    message: els.message, updateCounter: updateCounter, sendMessage: sendMessage,
    isBusy: function () { return state.busy; },
    setBusy: function (busy) { state.busy = !!busy; updateCounter(); },
    parseRetryAfter: parseRetryAfter, pauseForRetry: pauseForRetry, errorKeyFor: errorKeyFor,
    showRedactedQuestion: showRedactedQuestion
  };

  ensureSession();
  applyLanguage();
  updateCounter();
  touch();
  body.classList.add("js-ready");
  document.dispatchEvent(new CustomEvent("edge-agent:ready"));
})();
