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
    if (K.stopSpeaking) { K.stopSpeaking(); }
  }

  /** kiosk.js asks before every send: in elderly mode show (and read) the question, send only on "yes". */
  function confirmSend(text, proceed) {
    if (!elderly()) { return false; }
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

  K.hooks.confirmSend = confirmSend;
  var toggle = document.getElementById("elderly-toggle");
  if (toggle) { toggle.addEventListener("click", function () { setMode(!elderly()); }); }
  document.addEventListener("edge-agent:answer", function (e) { shorten(e.detail.bubble, e.detail.reply); });
  document.addEventListener("edge-agent:idle-reset", function () { setMode(false); });
})();
