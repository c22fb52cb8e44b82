/* Terjime editor: saves in place through the JSON API, keyboard shortcuts, live preview.
 *
 * The page works without this file (every button is a plain form post). Configuration comes
 * from data- attributes and the CSRF token from <meta name="csrf-token">: the CSP forbids
 * inline script. Text from the server is only ever inserted with textContent; the preview
 * fragment is HTML the server has already escaped.
 */
(function () {
  "use strict";

  var root = document.getElementById("editor");
  if (!root || !window.fetch) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var api = root.getAttribute("data-api");
  var previewUrl = root.getAttribute("data-preview");
  var lang = root.getAttribute("data-lang");
  var dir = root.getAttribute("data-dir");
  var pane = document.getElementById("live-preview");
  var LABELS = { empty: "Empty", draft: "Needs editing", translated: "Translated", approved: "Approved" };
  var submitting = null;  /* a form posting normally: its own text is being sent */

  function parts(form) {
    var article = form.closest("article.segment");
    return {
      form: form,
      article: article,
      id: article.getAttribute("data-segment-id"),
      text: form.querySelector("textarea[name=text]"),
      revision: form.querySelector("input[name=revision]"),
      badge: form.querySelector("[data-role=badge]"),
      revisionLabel: form.querySelector("[data-role=revision]"),
      status: form.querySelector("[data-role=status]"),
      conflict: article.querySelector("[data-role=conflict]"),
      approve: form.querySelector("[data-action=approve]"),
      needsEdit: form.querySelector("[data-action=needs-edit]"),
      draftOrigin: form.querySelector("input[name=draft_origin]"),
      draftText: form.querySelector("input[name=draft_text]")
    };
  }

  function call(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return { error: "unexpected answer from the server (" + response.status + ")" };
      }).then(function (data) { return { status: response.status, data: data }; });
    });
  }

  function show(p, message, kind) {
    p.status.textContent = message;
    p.status.className = "seg-status" + (kind ? " " + kind : "");
  }

  function setState(p, state, revision) {
    p.revision.value = String(revision);
    p.revisionLabel.textContent = "revision " + revision;
    p.badge.className = "badge " + state;
    p.badge.textContent = LABELS[state] || state;
    p.article.className = p.article.className.replace(/\bstate-\w+/, "state-" + state);
    if (p.approve) {
      /* an unedited machine draft (assist.js keeps data-machine-draft) needs the override too */
      var machine = p.approve.getAttribute("data-machine-draft") === p.text.value;
      if (state === "draft" || (machine && state !== "approved")) {
        p.approve.setAttribute("name", "override");
        p.approve.setAttribute("value", "1");
        p.approve.textContent = machine ? "Approve unedited machine draft" : "Approve as is";
      } else {
        p.approve.removeAttribute("name");
        p.approve.removeAttribute("value");
        p.approve.textContent = "Approve";
      }
    }
  }

  function markSaved(p, text) {
    p.text.defaultValue = text;  /* what the server holds now */
    p.text.value = text;
  }

  function element(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function hideConflict(p) {
    if (!p.conflict) { return; }
    p.conflict.hidden = true;
    p.conflict.textContent = "";
  }

  /* Both texts side by side, with a way to take either (the server kept ours as a suggestion). */
  function showConflict(p, mine, data) {
    var current = data.current || { text: "", revision: 0 };
    var box = p.conflict;
    box.textContent = "";
    var intro = "Someone saved this segment while you were editing it (now revision " + current.revision + ").";
    if (data.suggestion_id) { intro += " Nothing is lost: your text is kept as a suggestion."; }
    box.appendChild(element("p", intro, { role: "alert" }));
    var both = element("div", null, { "class": "both" });
    var theirs = element("div");
    theirs.appendChild(element("strong", "Current text"));
    theirs.appendChild(element("p", current.text || "(empty)", { lang: lang, dir: dir, "data-role": "current" }));
    var takeTheirs = element("button", "Keep the current text", { type: "button", "class": "secondary" });
    theirs.appendChild(takeTheirs);
    var yours = element("div");
    yours.appendChild(element("strong", "Your text"));
    yours.appendChild(element("p", mine || "(empty)", { lang: lang, dir: dir, "data-role": "mine" }));
    var takeMine = element("button", "Save my text instead", { type: "button" });
    yours.appendChild(takeMine);
    both.appendChild(theirs);
    both.appendChild(yours);
    box.appendChild(both);
    box.hidden = false;
    takeTheirs.addEventListener("click", function () {
      markSaved(p, current.text);
      setState(p, current.state || (current.text ? "translated" : "empty"), current.revision);
      hideConflict(p);
      show(p, "Kept the current text", "ok");
      p.text.focus();
    });
    takeMine.addEventListener("click", function () {
      p.text.value = mine;
      p.revision.value = String(current.revision);
      save(p.form);
    });
  }

  function save(form) {
    var p = parts(form);
    var text = p.text.value;
    var body = { text: text, revision: parseInt(p.revision.value, 10) };
    if (p.draftOrigin && p.draftOrigin.value) {  /* a suggestion was inserted: its provenance */
      body.draft_origin = p.draftOrigin.value;
      body.draft_text = p.draftText.value;
    }
    show(p, "Saving…");
    return call("PUT", api + "/" + p.id, body)
      .then(function (r) {
        if (r.status === 200) {
          if (p.draftOrigin) { p.draftOrigin.value = ""; p.draftText.value = ""; }
          markSaved(p, text);
          setState(p, r.data.state, r.data.revision);
          p.article.dispatchEvent(new CustomEvent("terjime:checks", { detail: r.data.checks || [] }));
          hideConflict(p);
          show(p, r.data.changed ? "Saved (revision " + r.data.revision + ")" : "No change", "ok");
          refreshPreview();
          return true;
        }
        if (r.status === 409) {
          showConflict(p, text, r.data);
          show(p, "Not saved: changed meanwhile", "error");
          return false;
        }
        show(p, "Not saved: " + (r.data.error || ("error " + r.status)), "error");
        return false;
      })
      .catch(function () {
        show(p, "Not saved: the server cannot be reached. Your text is still here; try again.", "error");
        return false;
      });
  }

  function approve(form) {
    var p = parts(form);
    /* the override is what the button offered when pressed, never what a save made of it */
    var override = p.approve.getAttribute("name") === "override";
    var first = p.text.value !== p.text.defaultValue ? save(form) : Promise.resolve(true);
    return first.then(function (ok) {
      if (!ok) { return false; }
      var body = { revision: parseInt(p.revision.value, 10) };
      if (override) { body.override = true; }
      show(p, "Approving…");
      return call("POST", api + "/" + p.id + "/approve", body).then(function (r) {
        if (r.status === 200) {
          setState(p, r.data.state, r.data.revision);
          show(p, "Approved", "ok");
          refreshPreview();
          return true;
        }
        if (r.status === 409) {
          showConflict(p, p.text.value, { current: r.data.current });
          show(p, "Not approved: changed meanwhile", "error");
          return false;
        }
        show(p, "Not approved: " + (r.data.error || ("error " + r.status)), "error");
        return false;
      });
    }).catch(function () {
      show(p, "Not approved: the server cannot be reached.", "error");
      return false;
    });
  }

  function textareas() {
    return Array.prototype.slice.call(root.querySelectorAll("form.seg-form textarea[name=text]"));
  }

  function move(from, step) {
    var all = textareas();
    var index = all.indexOf(from);
    var target = all[index + step];
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "center" });
      return;
    }
    var link = document.querySelector(step > 0 ? "a[rel=next]" : "a[rel=prev]");
    if (link) { window.location.href = link.href; }
  }

  function refreshPreview() {
    if (!pane || !pane.open) { return; }
    var body = pane.querySelector("[data-role=preview-body]");
    fetch(previewUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) { body.innerHTML = html; })
      .catch(function () { /* the preview page link stays; nothing else to do */ });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var action = event.submitter ? event.submitter.getAttribute("data-action") : null;
    if (!form.classList.contains("seg-form") || !action) { submitting = form; return; }
    if (action === "save") {
      event.preventDefault();
      save(form);
    } else if (action === "approve") {
      event.preventDefault();
      approve(form);
    } else {
      submitting = form;  /* "needs editing": an ordinary post, the page reloads */
    }
  });

  root.addEventListener("keydown", function (event) {
    var field = event.target;
    var form = field.closest ? field.closest("form.seg-form") : null;
    if (!form || field.name !== "text") { return; }
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && key === "Enter") {
      event.preventDefault();
      save(form).then(function (ok) { if (ok) { move(field, 1); } });
    } else if (event.altKey && (key === "ArrowDown" || key === "ArrowUp")) {
      event.preventDefault();
      move(field, key === "ArrowDown" ? 1 : -1);
    } else if (event.ctrlKey && event.shiftKey && (key === "A" || key === "a")) {
      var p = parts(form);
      if (p.approve) { event.preventDefault(); approve(form); }
    } else if (event.ctrlKey && event.shiftKey && (key === "E" || key === "e")) {
      var q = parts(form);
      if (q.needsEdit && form.requestSubmit) { event.preventDefault(); form.requestSubmit(q.needsEdit); }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (pane && event.ctrlKey && event.shiftKey && (event.key === "P" || event.key === "p")) {
      event.preventDefault();
      pane.open = !pane.open;
    }
  });

  if (pane) { pane.addEventListener("toggle", refreshPreview); }

  /* Never lose typed work silently: warn before the page goes with unsaved text (except the
     text a form is posting right now). */
  window.addEventListener("beforeunload", function (event) {
    var dirty = textareas().some(function (area) {
      return area.value !== area.defaultValue && !(submitting && submitting.contains(area));
    });
    submitting = null;
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
}());
