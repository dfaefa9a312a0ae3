/* Server-sent events for the kiosk (split out of kiosk.js, issue 8): a parser for the decoded byte stream of
 * POST /api/chat/stream (fetch + ReadableStream; EventSource cannot POST). Loaded before kiosk.js. */
(function () {
  "use strict";

  /** Split an SSE byte stream (already decoded) into {event, data} records. */
  function SseParser(onEvent) {
    var buffer = "";
    this.push = function (chunk) {
      buffer += chunk.replace(/\r\n?/g, "\n");
      var idx;
      while ((idx = buffer.indexOf("\n\n")) >= 0) {
        var raw = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 2);
        dispatch(raw);
      }
    };
    this.finish = function () {
      if (buffer.trim()) { dispatch(buffer); }
      buffer = "";
    };
    function dispatch(raw) {
      var event = "message";
      var data = [];
      raw.split("\n").forEach(function (line) {
        if (!line || line.charAt(0) === ":") { return; }
        var colon = line.indexOf(":");
        var field = colon < 0 ? line : line.slice(0, colon);
        var value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.charAt(0) === " ") { value = value.slice(1); }
        if (field === "event") { event = value; } else if (field === "data") { data.push(value); }
      });
      if (!data.length) { return; }
      var parsed;
      try { parsed = JSON.parse(data.join("\n")); } catch (e) { return; }
      onEvent(event, parsed);
    }
  }

  window.EdgeKioskSse = { SseParser: SseParser };
})();
