/* Newsdesk workflow keys, beside newsdesk.js: the queue (n) and, on the article page,
 * reviewing suggestions one at a time (v starts; a, r, e, s decide; Esc stops) and undo (u).
 *
 * The review panel (#review-slot) sits outside the workspace. A decision is one request that
 * answers with the redrawn workspace, the next suggestion in text order chosen, and the panel
 * out of band; focus then goes to the panel, which shows that next suggestion. No inline
 * script; requests go through htmx with the CSRF header set on <body>. */
(function () {
  "use strict";

  var refocus = false; // focus the panel once the current swap settles
  var ownRequest = false; // the workspace swap in flight answers one of ours
  var editing = null; // id of the suggestion opened for editing from the panel

  function typing(target) {
    return (
      target instanceof Element &&
      (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"))
    );
  }

  function panel() {
    return document.querySelector("[data-review-panel]");
  }

  function slot() {
    return document.getElementById("review-slot");
  }

  function send(method, url, values) {
    if (!window.htmx || !url) return;
    ownRequest = true;
    refocus = true;
    window.htmx.ajax(method, url, { target: "#workspace", swap: "outerHTML", values: values || {} });
  }

  function mode() {
    var p = panel();
    return p ? p.dataset.mode : "suggest";
  }

  function start(which) {
    var button = document.querySelector(
      which === "check" ? '[data-review-start="check"]' : '[data-review-start=""]'
    );
    if (!button) return false;
    send("GET", button.dataset.reviewUrl, which === "check" ? { mode: "check" } : {});
    return true;
  }

  function stop() {
    var s = slot();
    if (s) s.textContent = "";
    editing = null;
  }

  function decide(decision) {
    var p = panel();
    if (!p || !p.dataset.quote) return false;
    if (decision === "accept" && mode() === "check") decision = "check";
    send("POST", p.dataset.reviewUrl, {
      quote: p.dataset.quote,
      version: p.dataset.version,
      decision: decision,
      mode: mode(),
    });
    return true;
  }

  function skip() {
    var p = panel();
    if (!p || !p.dataset.quote) return false;
    send("GET", p.dataset.reviewUrl, { after: p.dataset.quote, mode: mode() });
    return true;
  }

  function edit() {
    var p = panel();
    var list = document.getElementById("quote-list");
    if (!p || !p.dataset.quote || !list || !list.dataset.quoteUrl || !window.htmx) return false;
    editing = p.dataset.quote;
    window.htmx
      .ajax("GET", list.dataset.quoteUrl + editing + "/edit/", {
        target: "#quote-form-slot",
        swap: "innerHTML",
      })
      .then(function () {
        var field = document.querySelector("#quote-form-slot [data-speaker-input]");
        if (field) field.focus();
      });
    return true;
  }

  function bulk(button) {
    var p = panel();
    if (!p) return;
    var values = { decision: button.dataset.bulk, seen: button.dataset.seen || "" };
    if (button.dataset.speaker) values.speaker = button.dataset.speaker;
    send("POST", p.dataset.bulkUrl, values);
  }

  function undo() {
    var button = document.querySelector("[data-undo-bar] [data-action=undo]");
    if (!button) return false;
    send("POST", button.getAttribute("hx-post"), { review: "1", mode: mode() });
    return true;
  }

  /* --- Nothing typed is lost by accident ------------------------------------------------
   * A quote form is "changed" when what it would send differs from what it held when it
   * appeared (picking a mention or cue fills hidden fields, so values are compared rather
   * than input events counted). Leaving a changed form asks first: Escape, Cancel, opening
   * another quote or form, any action that redraws the workspace, and leaving the page. */

  var initial = new WeakMap();
  var LEAVE = "This quote has changes that are not saved. Leave them?";

  function serialize(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken") pairs.push(key + "=" + value);
    });
    return pairs.join("&");
  }

  function openForm() {
    return document.querySelector("#quote-form-slot [data-quote-form]");
  }

  function changedForm() {
    var form = openForm();
    return form && initial.has(form) && serialize(form) !== initial.get(form) ? form : null;
  }

  function mayLeave() {
    if (!changedForm()) return true;
    if (window.confirm(LEAVE)) {
      initial.delete(openForm()); // asked once: leaving now goes ahead
      return true;
    }
    return false;
  }

  function remember(event) {
    var form = openForm();
    if (!form || initial.has(form)) return;
    var xhr = event && event.detail && event.detail.xhr;
    // A form the server sent back refused still holds what was typed, unsaved.
    var refused = xhr && (xhr.status === 422 || xhr.status === 409);
    initial.set(form, refused ? "\u0000refused" : serialize(form));
  }

  // As soon as the form is on the page, not when htmx settles it 20 ms later: what is
  // typed in between is a change too.
  document.addEventListener("htmx:afterSwap", remember);
  document.addEventListener("htmx:oobAfterSwap", remember);
  document.addEventListener("htmx:afterSettle", remember);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = changedForm();
    if (!form) return;
    var source = event.detail.elt;
    if (source instanceof Element && form.contains(source)) return; // its own save, a lookup
    var target = event.detail.target;
    var replaces =
      target instanceof Element &&
      (target.id === "quote-form-slot" || target.id === "workspace" || target.contains(form));
    if (replaces && !mayLeave()) event.preventDefault();
  });

  window.addEventListener("beforeunload", function (event) {
    if (changedForm()) {
      event.preventDefault();
      event.returnValue = LEAVE;
    }
  });

  window.addEventListener(
    "click",
    function (event) {
      var t = event.target;
      if (t instanceof Element && t.closest("[data-cancel-form]") && !mayLeave()) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  /* Capture phase on window: in review mode these keys are the panel's, before newsdesk.js
   * (listening on document) would act on the quote chosen in the list. */
  window.addEventListener(
    "keydown",
    function (event) {
      // Escape in a combobox with its list open closes the list only (newsdesk.js).
      var listOpen =
        event.target instanceof Element &&
        event.target.matches('[data-combobox-input][aria-expanded="true"]');
      if (event.key === "Escape" && listOpen) return;
      if (event.key === "Escape" && changedForm()) {
        var help = document.getElementById("help");
        if ((!help || help.hidden) && !mayLeave()) {
          event.preventDefault();
          event.stopImmediatePropagation();
          return;
        }
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target)) return;
      var reviewing = Boolean(panel());
      var handled = false;
      switch (event.key) {
        case "n":
          var next = document.querySelector("[data-next-article]");
          if (next) {
            window.location.assign(next.href);
            handled = true;
          }
          break;
        case "v":
          handled = !reviewing && start("suggest");
          break;
        case "c":
          handled = !reviewing && start("check");
          break;
        case "a":
          handled = reviewing && decide("accept");
          break;
        case "r":
          handled = reviewing && decide("reject");
          break;
        case "s":
          handled = reviewing && skip();
          break;
        case "e":
          handled = reviewing && edit();
          break;
        case "u":
          handled = reviewing && undo();
          break;
        case "Escape":
          if (reviewing && !document.querySelector("#quote-form-slot form")) {
            var help = document.getElementById("help");
            if (!help || help.hidden) {
              stop();
              handled = true;
            }
          }
          break;
      }
      if (handled) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!(t instanceof Element)) return;
    var starter = t.closest("[data-review-start]");
    if (starter) return start(starter.dataset.reviewStart === "check" ? "check" : "suggest");
    if (t.closest("[data-review-stop]")) return stop();
    if (t.closest("[data-review-restart]")) {
      return send("GET", panel().dataset.reviewUrl, { mode: mode() });
    }
    var b = t.closest("[data-review]");
    if (b) {
      var which = b.dataset.review;
      if (which === "skip") return skip();
      if (which === "edit") return edit();
      return decide(which);
    }
    var many = t.closest("[data-bulk]");
    if (many) return bulk(many);
  });

  /* A workspace swap that is not ours (a save from the edit form, a decision from the list,
   * an undo button) leaves the panel behind: bring it up to date from where it stood. */
  function catchUp() {
    var p = panel();
    if (!p || !window.htmx) return false;
    var values = { panel: "1", mode: p.dataset.mode };
    if (editing && editing === p.dataset.quote) values.after = editing;
    else if (p.dataset.quote) values.from = p.dataset.quote;
    editing = null;
    refocus = true;
    window.htmx.ajax("GET", p.dataset.reviewUrl, {
      target: "#review-slot",
      swap: "innerHTML",
      values: values,
    });
    return true;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var ws = document.getElementById("workspace");
    var isWorkspace = ws && (target === ws || target.contains(ws));
    if (isWorkspace && ownRequest) {
      ownRequest = false;
    } else if (isWorkspace && catchUp()) {
      return;
    }
    if (refocus && panel()) {
      refocus = false;
      panel().focus({ preventScroll: true });
    }
  });

  // The same change answered with only what changed (newsdesk.js): the panel catches up too.
  document.addEventListener("newsdesk:patched", function () {
    if (ownRequest) ownRequest = false;
    else catchUp();
  });

  document.addEventListener("htmx:responseError", function () {
    ownRequest = false;
    refocus = false;
  });
})();
