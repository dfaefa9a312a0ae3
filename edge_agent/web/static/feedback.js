/* 👍/👎 under each kiosk answer (issue 13). Kept apart from kiosk.js: kiosk.js dispatches an
 * "edge-agent:answer" event on document when an answer bubble is done ({bubble, reply}); this file adds the
 * buttons and posts the vote to /api/feedback with the answer's session_id and turn_id. No free text is
 * sent: a 👎 may carry one of three fixed reasons. Nothing is kept in storage. */
(function () {
  "use strict";

  var STRINGS = {
    zh: { ask: "这个回答有帮助吗？", up: "有帮助", down: "没帮助", why: "哪里不好？（可选）",
          wrong: "答错了", unclear: "看不懂", not_asked: "答非所问", thanks: "谢谢您的反馈！",
          failed: "反馈没有发送成功，请稍后再试。" },
    en: { ask: "Was this answer helpful?", up: "Helpful", down: "Not helpful", why: "What was wrong? (optional)",
          wrong: "Wrong", unclear: "Unclear", not_asked: "Not what I asked", thanks: "Thank you for your feedback!",
          failed: "Your feedback was not sent; please try again later." }
  };
  var RATED_KINDS = { quoted: true, generated: true, declined: true, clarify: false, smalltalk: false,
                      escalated: false, agent: false };

  function lang() {
    return (document.documentElement.lang || "zh").slice(0, 2) === "en" ? "en" : "zh";
  }

  function t(key) { return STRINGS[lang()][key]; }

  function apiBase() { return (document.body && document.body.dataset.apiBase) || ""; }

  function loadStyles() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = apiBase() + "/static/feedback.css";
    document.head.appendChild(link);
  }

  function button(cls, text, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    if (label) { b.setAttribute("aria-label", label); b.title = label; }
    return b;
  }

  function send(reply, vote, reason) {
    return fetch(apiBase() + "/api/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ session_id: reply.session_id, turn_id: reply.turn_id, vote: vote, reason: reason || "" })
    }).then(function (resp) { if (!resp.ok) { throw new Error("feedback " + resp.status); } });
  }

  function status(bar, key) {
    var s = bar.querySelector(".feedback-status");
    s.textContent = t(key);
  }

  function addBar(bubble, reply) {
    if (!bubble || !reply || !reply.turn_id || !RATED_KINDS[reply.answer_kind]) { return; }
    if (bubble.querySelector(".feedback")) { return; }
    var bar = document.createElement("div");
    bar.className = "feedback";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", t("ask"));
    var ask = document.createElement("span");
    ask.className = "feedback-ask";
    ask.textContent = t("ask");
    var up = button("feedback-up", "👍 " + t("up"));
    var down = button("feedback-down", "👎 " + t("down"));
    var reasons = document.createElement("div");
    reasons.className = "feedback-reasons";
    reasons.hidden = true;
    var why = document.createElement("span");
    why.textContent = t("why");
    reasons.appendChild(why);
    ["wrong", "unclear", "not_asked"].forEach(function (code) {
      var r = button("feedback-reason", t(code));
      r.dataset.reason = code;
      r.addEventListener("click", function () {
        reasons.querySelectorAll("button").forEach(function (x) { x.disabled = true; x.setAttribute("aria-pressed", String(x === r)); });
        send(reply, "down", code).then(function () { status(bar, "thanks"); }, function () { status(bar, "failed"); });
      });
      reasons.appendChild(r);
    });
    var live = document.createElement("span");
    live.className = "feedback-status";
    live.setAttribute("role", "status");
    function vote(which) {
      up.disabled = down.disabled = true;
      up.setAttribute("aria-pressed", String(which === "up"));
      down.setAttribute("aria-pressed", String(which === "down"));
      send(reply, which, "").then(function () {
        status(bar, "thanks");
        if (which === "down") { reasons.hidden = false; }
      }, function () { status(bar, "failed"); up.disabled = down.disabled = false; });
    }
    up.addEventListener("click", function () { vote("up"); });
    down.addEventListener("click", function () { vote("down"); });
    bar.appendChild(ask);
    bar.appendChild(up);
    bar.appendChild(down);
    bar.appendChild(live);
    bar.appendChild(reasons);
    bubble.appendChild(bar);
  }

  document.addEventListener("edge-agent:answer", function (event) {
    var detail = event.detail || {};
    addBar(detail.bubble, detail.reply);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", loadStyles);
  } else {
    loadStyles();
  }
})();
