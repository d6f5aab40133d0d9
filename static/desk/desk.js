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

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("desk-panel");
    if (panel) startHeartbeat(panel);
    startCountdowns();
    guardMoves();
    warnOnUnsavedEdits();
    followStoryLanguage();
    selectShareLink();
  });
})();
