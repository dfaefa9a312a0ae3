// The agent queue: list tickets, claim one, read the redacted transcript, reply, close. Polls every 3 s.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const me = document.body.dataset.agent;
  const $ = (id) => document.getElementById(id);
  let current = null;
  let page = 1;

  async function call(method, url, body) {
    const opts = { method, headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const resp = await fetch(url, opts);
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error((data.error && data.error.message) || ("HTTP " + resp.status));
    return data;
  }

  function item(text, cls, label) {
    const li = document.createElement("li");
    li.className = cls;
    const who = document.createElement("span");
    who.className = "who-label";
    who.textContent = label;
    li.append(who, document.createTextNode(text));
    return li;
  }

  async function loadQueue() {
    try {
      const data = await call("GET", "/api/agent/tickets?status=" + encodeURIComponent($("status").value) +
        "&page=" + page);
      if (page > data.pages) { page = data.pages; return loadQueue(); }
      $("page-info").textContent = data.total + " · " + data.page + "/" + data.pages;
      $("prev-page").disabled = data.page <= 1;
      $("next-page").disabled = data.page >= data.pages;
      const list = $("tickets");
      list.replaceChildren(...data.tickets.map((t) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.ticket = t.id;
        b.setAttribute("aria-current", String(current === t.id));
        const reason = document.createElement("span");
        reason.className = "reason";
        reason.textContent = "#" + t.id + " " + t.reason;
        b.append(reason, document.createTextNode(" · " + t.lang + " · " + t.location + " · " + t.status +
          (t.agent ? " (" + t.agent + ")" : "") + "\n" + t.summary));
        b.addEventListener("click", () => open(t.id));
        li.append(b);
        return li;
      }));
    } catch (e) { $("status-line").textContent = e.message; }
  }

  async function open(id) {
    current = id;
    const data = await call("GET", "/api/agent/tickets/" + id);
    const t = data.ticket;
    $("empty").hidden = true;
    $("ticket").hidden = false;
    $("ticket-meta").textContent = "#" + t.id + " · " + t.reason + " · " + t.lang + " · " + t.location + " · " +
      t.status + (t.agent ? " · " + t.agent : "");
    const mine = t.status === "claimed" && t.agent === me;
    $("claim").hidden = t.status !== "open";
    $("reply-form").hidden = !mine;
    $("close-form").hidden = !mine;
    const rows = [];
    data.transcript.forEach((turn) => {
      if (turn.question) rows.push(item(turn.question, "from-customer", "客户 Customer"));
      if (turn.answer) rows.push(item(turn.answer, turn.answer_kind === "agent" ? "from-agent" : "from-assistant",
        turn.answer_kind === "agent" ? "坐席 Agent" : "助手 Assistant (" + turn.answer_kind + ")"));
    });
    $("transcript").replaceChildren(...rows);
    loadQueue();
  }

  $("claim").addEventListener("click", async () => {
    try { await call("POST", "/api/agent/tickets/" + current + "/claim"); await open(current); }
    catch (e) { $("status-line").textContent = e.message; }
  });
  $("reply-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = $("reply").value.trim();
    if (!text) return;
    try {
      await call("POST", "/api/agent/tickets/" + current + "/reply", { text });
      $("reply").value = "";
      $("status-line").textContent = "已发送 Sent";
      await open(current);
    } catch (e) { $("status-line").textContent = e.message; }
  });
  $("close-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await call("POST", "/api/agent/tickets/" + current + "/close", { outcome: $("outcome").value });
      $("status-line").textContent = "已关闭 Closed";
      await open(current);
    } catch (e) { $("status-line").textContent = e.message; }
  });
  $("status").addEventListener("change", () => { page = 1; loadQueue(); });
  $("prev-page").addEventListener("click", () => { page = Math.max(1, page - 1); loadQueue(); });
  $("next-page").addEventListener("click", () => { page += 1; loadQueue(); });
  loadQueue();
  setInterval(loadQueue, 3000);
})();
