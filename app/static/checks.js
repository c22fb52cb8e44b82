/* Quality checks as you type: a debounced call to the check endpoint per segment.
 *
 * No inline script (CSP): the endpoint comes from data-check-url. Server text is inserted
 * with textContent only. A finding the page already shows (with its Dismiss form) is kept
 * as it is; new ones are drawn without a form (dismissing needs the saved text).
 */
(function () {
  "use strict";

  if (!window.fetch) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var DELAY = 600;

  function key(item) {
    return item.check + "\u0000" + item.message + "\u0000" + (item.dismissed ? "true" : "false");
  }

  function render(panel, checks) {
    var kept = {};
    panel.querySelectorAll("li[data-check]").forEach(function (li) {
      kept[key({ check: li.getAttribute("data-check"), message: li.getAttribute("data-message"),
                 dismissed: li.getAttribute("data-dismissed") === "true" })] = li;
    });
    var list = document.createElement("ul");
    list.className = "checks";
    checks.forEach(function (item) {
      var li = kept[key(item)];
      if (!li) {
        li = document.createElement("li");
        li.className = "check-" + item.severity + (item.dismissed ? " dismissed" : "");
        li.setAttribute("data-check", item.check);
        li.setAttribute("data-message", item.message);
        li.setAttribute("data-dismissed", item.dismissed ? "true" : "false");
        var badge = document.createElement("span");
        badge.className = "badge check-badge " + item.severity;
        badge.textContent = item.severity;
        var name = document.createElement("strong");
        name.textContent = item.check;
        var message = document.createElement("span");
        message.setAttribute("dir", "auto");
        message.textContent = item.message;
        li.appendChild(badge);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(name);
        li.appendChild(document.createTextNode(": "));
        li.appendChild(message);
        if (item.dismissed) {
          var note = document.createElement("span");
          note.className = "muted small";
          note.textContent = " — dismissed: " + (item.reason || "");
          li.appendChild(note);
        }
      }
      list.appendChild(li);
    });
    panel.textContent = "";
    if (checks.length) { panel.appendChild(list); }
  }

  document.querySelectorAll("article.segment").forEach(function (article) {
    var panel = article.querySelector("[data-role=checks]");
    var textarea = article.querySelector(".seg-form textarea[name=text]");
    if (!panel) { return; }
    article.addEventListener("terjime:checks", function (event) { render(panel, event.detail); });
    var url = panel.getAttribute("data-check-url");
    if (!url || !textarea) { return; }
    var timer = null;
    var asked = 0;
    textarea.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ text: textarea.value })
        }).then(function (response) {
          return response.ok ? response.json() : null;
        }).then(function (data) {
          if (data && mine === asked) { render(panel, data.checks || []); }
        }).catch(function () { /* offline: the server checks again on save */ });
      }, DELAY);
    });
  });
}());
