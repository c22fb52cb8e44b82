/* Terjime suggestions panel (memory, machine, glossary) and pretranslation progress.
 *
 * Everything here is an upgrade: without it the editor's "suggestions" link opens the panel
 * as a page of its own, and the job page has a Refresh link. Configuration comes from data-
 * attributes (the CSP forbids inline script). Suggestion texts are read from data-text
 * attributes and written with .value / textContent only; the panel fragment is HTML the server
 * has already escaped. Nothing is sent to a machine engine unless the volunteer asks
 * (an "Ask …" button, or Ctrl+M then A).
 */
(function () {
  "use strict";
  if (!window.fetch) { return; }

  /* --- pretranslation progress (the job page) ------------------------------------------- */

  var STATUS = { queued: "waiting to start", running: "running", done: "finished", failed: "stopped" };

  function field(box, name) { return box.querySelector("[data-field=" + name + "]"); }

  function showJob(box, data) {
    ["processed", "total", "from_memory", "from_engine", "failed"].forEach(function (name) {
      var node = field(box, name);
      if (node) { node.textContent = String(data[name]); }
    });
    field(box, "status").textContent = STATUS[data.status] || data.status;
    var bar = field(box, "bar");
    bar.max = Math.max(1, data.total);
    bar.value = data.total ? data.processed : (data.finished ? 1 : 0);
    var list = field(box, "errors");
    list.textContent = "";
    (data.errors || []).forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    if (data.finished) {
      var refresh = box.querySelector("[data-role=refresh]");
      if (refresh) { refresh.hidden = true; }
    }
  }

  function pollJob(box) {
    var url = box.getAttribute("data-url");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
        .then(function (data) {
          showJob(box, data);
          if (!data.finished) { window.setTimeout(tick, 1000); }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 1000);
  }

  var job = document.getElementById("job");
  if (job && job.getAttribute("data-finished") !== "1") { pollJob(job); }

  /* --- the suggestions panel (the editor page) ------------------------------------------ */

  var root = document.getElementById("editor");
  if (!root) { return; }
  var waiting = null;  /* after Ctrl+M: { article, until } while the next key is awaited */
  var shown = null;    /* the panel on screen */

  function articleOf(node) { return node && node.closest ? node.closest("article.segment") : null; }
  function panelOf(article) { return article.querySelector("[data-role=assist]"); }
  function formOf(article) { return article.querySelector("form.seg-form"); }

  function say(article, message, kind) {
    var status = article.querySelector("[data-role=status]");
    if (!status) { return; }
    status.textContent = message;
    status.className = "seg-status" + (kind ? " " + kind : "");
  }

  function load(article, ask) {
    var panel = panelOf(article);
    if (!panel) { return Promise.resolve(false); }
    if (shown && shown !== panel) { shown.hidden = true; }  /* one open panel: the page stays short */
    shown = panel;
    panel.hidden = false;
    if (!ask && panel.getAttribute("data-loaded") === "1") { return Promise.resolve(true); }
    var url = panel.getAttribute("data-url");
    if (ask) {
      url += (url.indexOf("?") < 0 ? "?" : "&") + "ask=" + encodeURIComponent(ask);
      say(article, "Asking the machine translation engines…");
    }
    panel.setAttribute("data-loaded", "1");
    panel.setAttribute("aria-busy", "true");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        panel.innerHTML = html;
        panel.removeAttribute("aria-busy");
        if (ask) { say(article, "Machine suggestions are in the panel", "ok"); }
        return true;
      })
      .catch(function () {
        panel.removeAttribute("data-loaded");
        panel.removeAttribute("aria-busy");
        panel.textContent = "The suggestions could not be loaded; the link below opens them on a page of their own.";
        return false;
      });
  }

  function replaceText(area, text) {
    area.focus();
    area.select();
    /* execCommand keeps the browser's undo (Ctrl+Z brings the old text back) */
    var done = false;
    try { done = document.execCommand && document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done || area.value !== text) { area.value = text; }
  }

  function typeIn(area, text) {
    area.focus();
    var start = area.selectionStart, end = area.selectionEnd;
    if (area.setRangeText) {
      area.setRangeText(text, start, end, "end");
    } else {
      area.value = area.value.slice(0, start) + text + area.value.slice(end);
    }
  }

  /* Suggestion n into the segment's textarea: memory and machine ones become the draft (the
     save then records where it came from); glossary terms are typed in at the cursor. */
  function insert(article, number) {
    var item = article.querySelector('[data-role=assist] [data-suggestion="' + number + '"]');
    var form = formOf(article);
    if (!form) { return; }
    if (!item) { say(article, "There is no suggestion " + number + " for this segment", "error"); return; }
    var area = form.querySelector("textarea[name=text]");
    var text = item.getAttribute("data-text");
    var origin = item.getAttribute("data-origin");
    if (item.getAttribute("data-replace") === "1") {
      replaceText(area, text);
      form.querySelector("input[name=draft_origin]").value = origin;
      form.querySelector("input[name=draft_text]").value = text;
      var approve = form.querySelector("[data-action=approve]");
      if (approve && origin.indexOf("engine:") === 0) {
        approve.setAttribute("data-machine-draft", text);
      } else if (approve) {
        approve.removeAttribute("data-machine-draft");
      }
      say(article, "Suggestion " + number + " inserted: edit it, then save", "ok");
    } else {
      typeIn(area, text);
      say(article, "Glossary term inserted", "ok");
    }
  }

  root.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target.name === "text" && target.closest && target.closest("form.seg-form")) {
      load(articleOf(target));
    }
  });

  root.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-insert], [data-ask], [data-role=assist-open]") : null;
    var article = articleOf(target);
    if (!target || !article) { return; }
    event.preventDefault();
    if (target.hasAttribute("data-insert")) {
      insert(article, target.getAttribute("data-insert"));
    } else if (target.hasAttribute("data-ask")) {
      load(article, target.getAttribute("data-ask"));
    } else {
      load(article);
    }
  });

  root.addEventListener("keydown", function (event) {
    var article = articleOf(event.target);
    if (!article || !formOf(article) || !formOf(article).contains(event.target)) { return; }
    var code = event.code || "";
    if (waiting && waiting.article === article && Date.now() < waiting.until &&
        !event.ctrlKey && !event.altKey && !event.metaKey) {
      var digit = /^(?:Digit|Numpad)([1-9])$/.exec(code) || /^([1-9])$/.exec(event.key);
      waiting = null;
      if (digit) {
        event.preventDefault();
        var number = digit[1];
        load(article).then(function () { insert(article, number); });
      } else if (code === "KeyA" || event.key === "a" || event.key === "A") {
        event.preventDefault();
        load(article, "all");
      }
      return;
    }
    if (event.ctrlKey && !event.shiftKey && !event.altKey && (code === "KeyM" || event.key === "m" || event.key === "M")) {
      event.preventDefault();
      waiting = { article: article, until: Date.now() + 3000 };
      load(article);
      say(article, "Suggestion number? (1–9, or A to ask the machine engines)");
    }
  });
}());
