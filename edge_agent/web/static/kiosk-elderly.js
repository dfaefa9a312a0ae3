/* Elderly mode (issue 14): one tap for extra-large type, high contrast and bigger buttons (kiosk.css,
 * body.elderly), a slower idle reset (kiosk.js reads data-idle-reset-elderly-seconds), answers shortened to
 * their key sentences first, and a confirmation step, read aloud where read-aloud is on, before anything is
 * sent. The idle reset turns the mode off again: the next customer starts with the ordinary screen. */
(function () {
  "use strict";

  var K = window.EdgeKiosk;
  if (!K) { return; }
  var body = document.body;
  var KEY_SENTENCES = 2;
  var LINGER_HOVER_MS = 4000;  // the pointer rests on Send this long without pressing it
  var LINGER_PRESS_MS = 1500;  // or a finger holds it down this long
  var SENTENCE = /[^。！？!?；;.]+[。！？!?；;.]*/g;

  function elderly() { return body.classList.contains("elderly"); }

  function setMode(on) {
    body.classList.toggle("elderly", on);
    var toggle = document.getElementById("elderly-toggle");
    if (toggle) { toggle.setAttribute("aria-pressed", on ? "true" : "false"); }
    if (!on) { closeConfirm(); }
    K.touch();  // the idle timer restarts with the mode's length
  }

  /** The first KEY_SENTENCES sentences of a text, and whether anything was left out. */
  function keySentences(text) {
    var parts = String(text).match(SENTENCE) || [];
    var kept = parts.slice(0, KEY_SENTENCES).join("").trim();
    return { text: kept || String(text), shortened: parts.length > KEY_SENTENCES };
  }

  function shorten(bubble, reply) {
    if (!elderly() || !bubble || !reply || reply.answer_kind === "clarify") { return; }
    var target = bubble.querySelector(".answer-text");
    var full = String(reply.answer || "");
    var key = keySentences(full);
    if (!target || !key.shortened) { return; }
    K.renderAnswerText(target, key.text);
    bubble.dataset.shortened = "true";
    var more = K.el("button", "btn btn-link show-more");
    more.type = "button";
    more.setAttribute("aria-expanded", "false");
    K.setI18n(more, "show_more");
    more.addEventListener("click", function () {
      var open = more.getAttribute("aria-expanded") === "true";
      K.renderAnswerText(target, open ? key.text : full);
      more.setAttribute("aria-expanded", open ? "false" : "true");
      K.setI18n(more, open ? "show_more" : "show_less");
    });
    target.parentNode.insertBefore(more, target.nextSibling);
  }

  // ------------------------------------------------------------------ confirmation before sending

  var confirmBox = null;

  function closeConfirm() {
    if (confirmBox && confirmBox.parentNode) { confirmBox.remove(); }
    confirmBox = null;
    var send = document.getElementById("send");
    if (send) { send.classList.remove("lingered"); }
    if (K.stopSpeaking) { K.stopSpeaking(); }
  }

  /** kiosk.js asks before every send: in elderly mode show (and read) the question, send only on "yes". */
  function confirmSend(text, proceed, lingered) {
    if (!elderly() && !lingered) { return false; }
    closeConfirm();
    confirmBox = K.el("div", "confirm-send");
    confirmBox.setAttribute("role", "alertdialog");
    confirmBox.setAttribute("aria-modal", "false");
    var heading = K.el("p", "confirm-heading");
    K.setI18n(heading, "confirm_heading");
    var quoted = K.el("p", "confirm-text");
    K.renderAnswerText(quoted, text);
    var yes = K.el("button", "btn btn-primary confirm-yes");
    yes.type = "button";
    K.setI18n(yes, "confirm_yes");
    var no = K.el("button", "btn btn-secondary confirm-no");
    no.type = "button";
    K.setI18n(no, "confirm_no");
    var row = K.el("div", "confirm-actions");
    row.appendChild(yes);
    row.appendChild(no);
    confirmBox.appendChild(heading);
    confirmBox.appendChild(quoted);
    confirmBox.appendChild(row);
    var composer = document.getElementById("composer");
    composer.parentNode.insertBefore(confirmBox, composer);
    yes.addEventListener("click", function () { closeConfirm(); proceed(); });
    no.addEventListener("click", function () { closeConfirm(); K.message.focus({ preventScroll: true }); });
    yes.focus({ preventScroll: true });
    if (K.speak) {
      var spoken = K.t("confirm_spoken").split("{q}").join(text);
      var box = confirmBox;
      K.speak(spoken, K.lang(), function (state) { box.dataset.speech = state; }, "question");
    }
    return true;
  }

  /** A customer lingering on Send (the pointer resting on it, or a long press) gets the confirmation anyway:
   * big buttons and the question read back, as in the elderly mode (the seed's case). */
  function wireLinger() {
    var send = document.getElementById("send");
    if (!send) { return; }
    var timer = null;
    var swallowClick = false;
    function cancel() { if (timer) { clearTimeout(timer); } timer = null; }
    function arm(ms) {
      cancel();
      timer = setTimeout(function () {
        timer = null;
        if (send.disabled || elderly() || !K.message.value.trim()) { return; }
        swallowClick = true;  // the release of a long press must not send as well
        setTimeout(function () { swallowClick = false; }, 1500);
        var text = K.message.value;
        if (confirmSend(text, function () { K.sendMessage(null, true); }, true)) {
          send.classList.add("lingered");
        }
      }, ms);
    }
    send.addEventListener("pointerenter", function (e) { if (e.pointerType === "mouse") { arm(LINGER_HOVER_MS); } });
    send.addEventListener("pointerdown", function () { arm(LINGER_PRESS_MS); });
    ["pointerleave", "pointercancel"].forEach(function (name) { send.addEventListener(name, cancel); });
    send.addEventListener("click", function (e) {
      cancel();
      if (swallowClick) { swallowClick = false; e.preventDefault(); e.stopImmediatePropagation(); }
    }, true);
  }

  K.hooks.confirmSend = confirmSend;
  wireLinger();
  var toggle = document.getElementById("elderly-toggle");
  if (toggle) { toggle.addEventListener("click", function () { setMode(!elderly()); }); }
  document.addEventListener("edge-agent:answer", function (e) { shorten(e.detail.bubble, e.detail.reply); });
  document.addEventListener("edge-agent:idle-reset", function () { setMode(false); });
})();
