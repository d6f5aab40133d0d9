/* The editorial desk's change form: lock heartbeat, lock release, embargo countdown, workflow buttons that
   save the edits first, a warning before leaving unsaved edits. No build step. */
(function () {
  "use strict";

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function startHeartbeat(panel) {
    var url = panel.dataset.heartbeatUrl;
    var seconds = parseInt(panel.dataset.heartbeatSeconds, 10) || 60;
    if (!url || panel.dataset.mine !== "1") return;
    var submitting = false;
    var form = document.getElementById("article_form");
    if (form) form.addEventListener("submit", function () { submitting = true; });

    function beat() {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf());
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && !data.locked) {
            var note = document.getElementById("desk-lock-lost");
            if (!note) {
              note = document.createElement("div");
              note.id = "desk-lock-lost";
              note.className = "desk-banner desk-banner--lock";
              note.setAttribute("role", "alert");
              panel.appendChild(note);
            }
            note.textContent = "🔒 " + (data.holder || "Someone") + " has taken this story over. " +
              "Copy your changes before saving: a save will be refused.";
          }
        })
        .catch(function () { /* offline: the lock lapses by itself */ });
    }
    window.setInterval(beat, seconds * 1000);
    window.addEventListener("pagehide", function () {
      if (submitting || !navigator.sendBeacon) return;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf());
      navigator.sendBeacon(panel.dataset.releaseUrl, body);
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function startCountdowns() {
    var nodes = document.querySelectorAll(".desk-countdown[data-until]");
    if (!nodes.length) return;
    function tick() {
      nodes.forEach(function (node) {
        var left = Math.max(0, Math.floor((Date.parse(node.dataset.until) - Date.now()) / 1000));
        var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600);
        var m = Math.floor(left % 3600 / 60), s = left % 60;
        node.textContent = left === 0 ? "now (reload)" : (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
      });
    }
    tick();
    window.setInterval(tick, 1000);
  }

  // A workflow button submits the edit form (the server saves, then moves). A move that needs a reason
  // asks for it here before anything is sent; a kill asks for confirmation. The server checks both too.
  function guardMoves() {
    document.querySelectorAll("button[name=_transition]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var reason = document.querySelector("[data-move-reason='" + button.value + "']");
        if (reason && !reason.value.trim()) {
          event.preventDefault();
          reason.setCustomValidity("Give the reason for this action.");
          reason.reportValidity();
          reason.addEventListener("input", function () { reason.setCustomValidity(""); }, { once: true });
          return;
        }
        if (button.value === "kill" && !window.confirm("Kill this story? It leaves the site for good (410 Gone).")) {
          event.preventDefault();
        }
      });
    });
  }

  // Leaving the page with edits not yet saved asks first (the browser's own prompt).
  function warnOnUnsavedEdits() {
    var form = document.getElementById("article_form");
    if (!form) return;
    var dirty = false;
    function mark(event) {
      if (!event.target.closest("[data-move-reason]")) dirty = true;
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  // The story's own fields are written in the story's language: dir and lang follow the Language field,
  // at once and whenever it changes (a Sorani or Arabic story is edited right to left, « » and
  // punctuation in place). The rule is the server's (articles.languages.text_direction).
  var STORY_TEXT_FIELDS = ["#id_kicker", "#id_headline", "#id_standfirst", "#id_dateline_place",
    "#id_seo_title", "#id_seo_description"];
  function directionFor(code, rule) {
    var parts = (code || "").toLowerCase().replace(/_/g, "-").split("-");
    var halves = rule.split("|");
    var languages = halves[0].split(" "), scripts = (halves[1] || "").split(" ");
    var rest = parts.slice(1);
    if (rest.some(function (p) { return scripts.indexOf(p) >= 0; })) return "rtl";
    if (rest.indexOf("latn") >= 0) return "ltr";
    return languages.indexOf(parts[0]) >= 0 ? "rtl" : "ltr";
  }
  function followStoryLanguage() {
    var ruleNode = document.getElementById("desk-text-direction");
    var language = document.getElementById("id_language");
    if (!ruleNode || !language) return;
    var rule = ruleNode.dataset.rule;
    function apply() {
      var code = language.value || "en";
      var dir = directionFor(code, rule);
      var targets = STORY_TEXT_FIELDS.map(function (s) { return document.querySelector(s); });
      var body = document.querySelector(".field-body .prose-editor");
      targets.push(body, body && body.querySelector("[contenteditable]"));
      targets.forEach(function (node) {
        if (!node) return;
        node.setAttribute("dir", dir);
        node.setAttribute("lang", code);
      });
    }
    language.addEventListener("change", apply);
    apply();
    // The body editor is built after the page loads: apply again once it is there.
    var row = document.querySelector(".field-body");
    if (row && window.MutationObserver) {
      new MutationObserver(function (changes, observer) {
        if (row.querySelector("[contenteditable]")) { apply(); observer.disconnect(); }
      }).observe(row, { childList: true, subtree: true });
    }
  }

  // The share-preview link is selected whole on a click (here, not in an onclick attribute: the
  // Content-Security-Policy runs no inline script).
  function selectShareLink() {
    var input = document.getElementById("desk-share-url");
    if (input) input.addEventListener("click", function () { input.select(); });
  }

  // Names for the widgets drawn in the browser (WCAG 4.1.2), which no <label> reaches: select2's boxes
  // (Django's autocomplete fields) take the label of the <select> they stand for, or its aria-label (a
  // tabular inline's row, named by the desk's forms); the body editor (a contenteditable) takes the
  // Body label. Again whenever the page grows: select2 and the editor start after this script, and an
  // inline row can be added.
  function labelId(control) {
    if (!control || !control.id) return null;
    var label = document.querySelector("label[for='" + control.id + "']");
    if (label) {
      if (!label.id) label.id = control.id + "_label";
      return label.id;
    }
    var text = control.getAttribute("aria-label");
    if (!text) return null;
    var id = control.id + "_name";
    if (!document.getElementById(id)) {
      var name = document.createElement("span");
      name.id = id;
      name.hidden = true;
      name.textContent = text;
      control.parentNode.appendChild(name);
    }
    return id;
  }

  function nameSelect2(select) {
    var container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2-container")) return;
    var id = labelId(select);
    if (!id) return;
    var selection = container.querySelector(".select2-selection");
    var rendered = container.querySelector(".select2-selection__rendered");
    if (selection && rendered && rendered.id && selection.classList.contains("select2-selection--single")) {
      selection.setAttribute("aria-labelledby", id + " " + rendered.id); // "Section World": label, then value
      rendered.setAttribute("aria-labelledby", id);
    } else if (selection) {
      selection.setAttribute("aria-labelledby", id);
    }
    var search = container.querySelector(".select2-search__field");
    if (search) search.setAttribute("aria-labelledby", id);
    // The mouse's "clear" cross (the keyboard clears with Backspace) is no part of the value the name
    // reads ("Section: ×World"): select2 draws it inside the value's box, it is moved just before it.
    // select2 empties the box and draws a new cross at each change: the one moved before goes.
    if (rendered && selection.classList.contains("select2-selection--single")) {
      var fresh = rendered.querySelector(".select2-selection__clear");
      if (fresh || !rendered.textContent.trim()) {
        selection.querySelectorAll(":scope > .select2-selection__clear").forEach(function (old) { old.remove(); });
      }
      if (fresh) {
        fresh.setAttribute("aria-hidden", "true");
        selection.insertBefore(fresh, rendered);
      }
    }
  }

  function nameEditors() {
    document.querySelectorAll(".prose-editor").forEach(function (box) {
      var editor = box.querySelector(".ProseMirror[contenteditable]");
      var id = labelId(box.querySelector("textarea"));
      if (!editor || !id || editor.getAttribute("aria-labelledby") === id) return;
      editor.setAttribute("aria-labelledby", id);
      editor.setAttribute("aria-multiline", "true");
      document.getElementById(id).addEventListener("click", function () { editor.focus(); });
    });
  }

  function nameWidgets() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameSelect2);
    nameEditors();
  }

  function keepWidgetsNamed() {
    if (!document.querySelector("select.admin-autocomplete, .prose-editor")) return;
    nameWidgets();
    new MutationObserver(nameWidgets).observe(document.body, { childList: true, subtree: true });
    if (window.django && window.django.jQuery) {
      // The search box of an open single-choice dropdown is drawn at the end of the page.
      window.django.jQuery(document).on("select2:open", function (event) {
        var id = labelId(event.target);
        var search = document.querySelector(".select2-container--open .select2-search--dropdown .select2-search__field");
        if (id && search) search.setAttribute("aria-labelledby", id);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    keepWidgetsNamed();
    var panel = document.getElementById("desk-panel");
    if (panel) startHeartbeat(panel);
    startCountdowns();
    guardMoves();
    warnOnUnsavedEdits();
    followStoryLanguage();
    selectShareLink();
  });
})();
