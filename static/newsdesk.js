/* Newsdesk: the little the pages need beyond htmx.
 *
 * - Selection -> offsets. Browsers count UTF-16 code units; Newsdesk counts code points
 *   (Python str indices). The offset of a point in the article is the number of code points
 *   in the text before it, read from a Range that starts at the top of the body container
 *   (which holds nothing but the body's text, cut into highlight elements).
 * - Choosing a quote in the text or in the list shows it in the other.
 * - Keys (see the help overlay).
 * No inline script anywhere; nothing evaluated; all requests go through htmx.
 */
(function () {
  "use strict";

  var current = null; // id (string) of the chosen quote
  var pick = null; // "mention" | "cue" while picking a span for the open form

  function textEl() {
    return document.getElementById("article-text");
  }

  function codePoints(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }

  function offsetOf(container, node, offset) {
    var r = document.createRange();
    r.setStart(container, 0);
    r.setEnd(node, offset);
    return codePoints(r.toString());
  }

  function say(message) {
    var box = document.getElementById("status");
    if (!box) return;
    box.textContent = message;
    box.classList.add("show");
    clearTimeout(say.timer);
    say.timer = setTimeout(function () {
      box.classList.remove("show");
    }, 4000);
  }

  /* The selection as code-point offsets into the body, trimmed of white space; null when
   * nothing is selected in the body, {error} when the selection leaves it. */
  function selectionSpan() {
    var el = textEl();
    var sel = window.getSelection();
    if (!el || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    var inStart = el.contains(range.startContainer);
    var inEnd = el.contains(range.endContainer);
    if (!inStart && !inEnd) return null;
    if (!inStart || !inEnd) {
      return { error: "The selection leaves the article text; select within the article only." };
    }
    var start = offsetOf(el, range.startContainer, range.startOffset);
    var end = offsetOf(el, range.endContainer, range.endOffset);
    var chars = Array.from(el.textContent);
    while (start < end && /\s/u.test(chars[start])) start++;
    while (end > start && /\s/u.test(chars[end - 1])) end--;
    if (start >= end) return { error: "The selection holds only white space." };
    return { start: start, end: end, text: chars.slice(start, end).join("") };
  }

  function clearSelection() {
    var sel = window.getSelection();
    if (sel) sel.removeAllRanges();
  }

  function formSlot() {
    return document.getElementById("quote-form-slot");
  }

  function openQuoteForm(span) {
    var el = textEl();
    if (!el || !el.dataset.newUrl || !window.htmx) return;
    var values = { start: span.start, end: span.end };
    if (current) {
      values.current = current;
      // The version the list shows: adding a fragment to a quote changed since is refused.
      var item = document.getElementById("quote-" + current);
      if (item && item.dataset.version) values.current_version = item.dataset.version;
    }
    window.htmx
      .ajax("GET", el.dataset.newUrl, { target: "#quote-form-slot", swap: "innerHTML", values: values })
      .then(function () {
        // Straight to the speaker, unless the form also offers "add as fragment" (key f).
        var first = formSlot().querySelector("[data-speaker-input]");
        if (first && !formSlot().querySelector("[data-add-fragment]")) {
          first.focus({ preventScroll: true });
        }
      });
  }

  function closeForm() {
    var slot = formSlot();
    if (slot) slot.textContent = "";
    pick = null;
    document.body.classList.remove("picking");
  }

  function fillPicked(kind, span) {
    var form = document.querySelector("[data-quote-form]");
    if (!form) return;
    form.querySelector('[name="' + kind + '_start"]').value = span.start;
    form.querySelector('[name="' + kind + '_end"]').value = span.end;
    form.querySelector('[data-picked="' + kind + '"]').textContent = span.text;
    if (kind === "cue") {
      var cue = form.querySelector('[name="cue"]');
      if (cue && !cue.value) cue.value = span.text;
    }
  }

  function onSelectionDone() {
    var span = selectionSpan();
    if (span === null) return;
    if (span.error) {
      say(span.error);
      return;
    }
    if (pick) {
      fillPicked(pick, span);
      say("Picked " + (pick === "mention" ? "speaker mention" : "cue") + ": " + span.text);
      pick = null;
      document.body.classList.remove("picking");
      clearSelection();
      return;
    }
    openQuoteForm(span);
  }

  /* --- Choosing a quote ----------------------------------------------------------------- */

  function listItems() {
    return Array.prototype.slice.call(document.querySelectorAll("#quote-list .quote-item"));
  }

  function choose(id, opts) {
    opts = opts || {};
    var el = textEl();
    Array.prototype.slice.call(document.getElementsByClassName("is-current")).forEach(function (n) {
      n.classList.remove("is-current");
    });
    document.querySelectorAll('#quote-list [aria-current="true"]').forEach(function (n) {
      n.removeAttribute("aria-current");
    });
    current = id ? String(id) : null;
    if (!current) return;
    var item = document.getElementById("quote-" + current);
    if (!item) {
      // Not among the entries the list shows yet: chosen once the rest of the list is in.
      var wanted = current;
      current = null;
      whenListed(function () {
        if (document.getElementById("quote-" + wanted)) choose(wanted, opts);
      });
      return;
    }
    item.setAttribute("aria-current", "true");
    item.classList.add("is-current");
    var segments = el ? el.querySelectorAll('[data-q~="' + current + '"]') : [];
    segments.forEach(function (n) {
      n.classList.add("is-current");
    });
    if (opts.scrollList !== false) item.scrollIntoView({ block: "nearest" });
    if (opts.scrollText && segments.length) segments[0].scrollIntoView({ block: "center" });
    if (opts.focus) item.focus({ preventScroll: true });
  }

  function move(step) {
    var items = listItems();
    if (!items.length) return;
    var index = items.findIndex(function (n) {
      return n.dataset.quote === current;
    });
    if (step > 0 && index === items.length - 1 && moreEntry()) {
      whenListed(function () {
        move(step);
      });
      return;
    }
    index = index < 0 ? (step > 0 ? 0 : items.length - 1) : index + step;
    index = Math.max(0, Math.min(items.length - 1, index));
    choose(items[index].dataset.quote, { scrollText: true, focus: true });
  }

  /* --- The rest of the list ---------------------------------------------------------------
   * A long list comes with its first entries and a last one that brings the others (htmx,
   * when it is pressed or scrolled into view). Choosing a quote not listed yet, or moving
   * past the last entry, brings them first. */

  var listed = []; // what to do once the rest of the list is in

  function moreEntry() {
    return document.querySelector("#quote-list [data-list-more]");
  }

  function whenListed(then) {
    var more = moreEntry();
    var button = more && more.querySelector("button");
    if (!button || !window.htmx) return;
    listed.push(then);
    window.htmx.trigger(button, "click"); // one request at a time (hx-sync="this:drop")
  }

  // Entries added since the page came (saved quotes among those not listed yet) stand
  // provisionally before or after the "more" entry; the rest of the list brings them too.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!(target && target.matches && target.matches("[data-list-more]")) || !event.detail.shouldSwap) {
      return;
    }
    var list = target.parentElement;
    var stale = Array.prototype.slice.call(list.querySelectorAll("[data-provisional]"));
    for (var n = target.nextElementSibling; n; n = n.nextElementSibling) stale.push(n);
    stale.forEach(function (entry) {
      if (entry.dataset.quote === current) listed.push(choose.bind(null, current, { scrollList: true }));
      entry.remove();
    });
  });

  // A saved quote that comes after every quote goes at the end of the list: while the list
  // ends in the "more" entry, just before it (shown without bringing the others).
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var more = moreEntry();
    if (!more || !event.detail || event.detail.target !== more.parentElement) return;
    while (more.nextElementSibling) {
      var item = more.nextElementSibling;
      item.dataset.provisional = "true";
      more.parentElement.insertBefore(item, more);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!listed.length || moreEntry()) return;
    var todo = listed;
    listed = [];
    todo.forEach(function (then) {
      then();
    });
  });

  /* A button pressed by its key: htmx gives a button that an answer has just put on the
   * page its request only when the answer settles, so a key pressed in between would find
   * a button that does nothing; process it first (a second time changes nothing). */
  function press(button) {
    if (window.htmx) window.htmx.process(button);
    button.click();
  }

  function clickAction(name) {
    if (!current) return false;
    var item = document.getElementById("quote-" + current);
    var button = item && item.querySelector('[data-action="' + name + '"]');
    if (!button) return false;
    press(button);
    return true;
  }

  /* The list's buttons carry only their action's name (a thousand quotes would otherwise
   * mean four thousand htmx elements to set up); the request still goes through htmx, with
   * the CSRF header from <body>. */
  var ACTIONS = {
    edit: ["GET", "#quote-form-slot", "innerHTML"],
    delete: ["POST", "#workspace", "outerHTML"],
    accept: ["POST", "#workspace", "outerHTML"],
    reject: ["POST", "#workspace", "outerHTML"],
  };

  function runAction(button) {
    var list = document.getElementById("quote-list");
    var item = button.closest(".quote-item");
    var spec = ACTIONS[button.dataset.action];
    if (!list || !list.dataset.quoteUrl || !item || !spec || !window.htmx) return;
    var url = list.dataset.quoteUrl + item.dataset.quote + "/" + button.dataset.action + "/";
    var options = { source: button, target: spec[1], swap: spec[2] };
    // A change names the version the list shows; the server refuses it if the quote moved on.
    if (spec[0] === "POST") options.values = { version: item.dataset.version };
    window.htmx.ajax(spec[0], url, options);
  }

  function chooseFromHash() {
    var m = /^#quote-(\d+)$/.exec(window.location.hash);
    if (m) choose(m[1], { scrollText: true });
  }

  /* --- Events ------------------------------------------------------------------------- */

  var downInText = false;
  var selectTimer = null;
  // A tap also sends mousedown and mouseup; on touch the "Make a quote" offer (devices.js)
  // asks first, so only a real mouse or pen opens the form on release.
  var downPointer = "";
  document.addEventListener(
    "pointerdown",
    function (event) {
      downPointer = event.pointerType;
    },
    true
  );
  document.addEventListener("mousedown", function (event) {
    clearTimeout(selectTimer); // a second click of a double click: not a selection to quote
    var el = textEl();
    downInText = Boolean(el && el.contains(event.target));
  });

  document.addEventListener("mouseup", function (event) {
    var el = textEl();
    if (!el || !el.dataset.canEdit) return;
    if (downPointer === "touch") return;
    // A double or triple click selects a word or a paragraph to read, not to quote (q still
    // makes a quote of it).
    if (event.detail > 1) return;
    if (!downInText && !el.contains(event.target)) return;
    downInText = false;
    selectTimer = setTimeout(onSelectionDone, 0);
  });

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!(t instanceof Element)) return;
    var toggle = t.closest("[data-toggle-help]");
    if (toggle) return toggleHelp();
    if (t.closest("[data-cancel-form]")) return closeForm();
    var pickButton = t.closest("[data-pick]");
    if (pickButton) {
      pick = pickButton.dataset.pick;
      document.body.classList.add("picking");
      say("Now select the " + (pick === "mention" ? "speaker mention" : "cue") + " in the text.");
      return;
    }
    var clear = t.closest("[data-clear]");
    if (clear) {
      var kind = clear.dataset.clear;
      var form = clear.closest("form");
      form.querySelector('[name="' + kind + '_start"]').value = "";
      form.querySelector('[name="' + kind + '_end"]').value = "";
      form.querySelector('[data-picked="' + kind + '"]').textContent = "";
      return;
    }
    var remove = t.closest("[data-remove-row]");
    if (remove) return remove.closest(".via-row").remove();
    var option = t.closest("[data-combobox-option]");
    if (option) return pickOption(option);
    var item = t.closest("#quote-list .quote-item");
    if (item && item.dataset.quote !== current) {
      choose(item.dataset.quote, { scrollList: false, scrollText: true });
    }
    var action = t.closest("#quote-list [data-action]");
    if (action) return runAction(action);
    if (t.closest("a, button, input, select, textarea, label")) return;
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed) return;
    var segment = t.closest("#article-text [data-q]");
    if (segment) {
      var ids = segment.dataset.q.split(" ");
      var at = ids.indexOf(current);
      choose(ids[(at + 1) % ids.length]); // clicking again steps to the enclosing quote
      return;
    }
  });

  /* --- Comboboxes (WAI-ARIA): the speaker and via fields ----------------------------------
   * htmx fills the listbox as one types; here the arrows move the highlighted option
   * (aria-activedescendant), Enter picks it without submitting the form, Escape closes the
   * list, and typing forgets a picked id. */

  function comboParts(el) {
    var box = el.closest("[data-combobox]");
    if (!box) return null;
    return {
      input: box.querySelector("[data-combobox-input]"),
      id: box.querySelector("[data-combobox-id]"),
      list: box.querySelector("[data-combobox-list]"),
    };
  }

  function comboOptions(parts) {
    return Array.prototype.slice.call(parts.list.querySelectorAll("[data-combobox-option]"));
  }

  function comboOpen(parts, open) {
    open = open && comboOptions(parts).length > 0;
    parts.list.hidden = !open;
    parts.input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) comboHighlight(parts, null);
  }

  function comboHighlight(parts, option) {
    comboOptions(parts).forEach(function (o) {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
      o.classList.toggle("active", o === option);
    });
    if (option) {
      parts.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else parts.input.removeAttribute("aria-activedescendant");
  }

  function pickOption(option) {
    var parts = comboParts(option);
    if (!parts) return;
    parts.input.value = option.dataset.name;
    if (parts.id) parts.id.value = option.dataset.id || "";
    comboOpen(parts, false);
    parts.input.focus({ preventScroll: true });
  }

  document.addEventListener(
    "keydown",
    function (event) {
      var t = event.target;
      if (!(t instanceof Element) || !t.matches("[data-combobox-input]")) return;
      var parts = comboParts(t);
      var options = comboOptions(parts);
      var open = t.getAttribute("aria-expanded") === "true";
      var active = parts.list.querySelector('[aria-selected="true"]');
      var at = options.indexOf(active);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) return;
        var step = event.key === "ArrowDown" ? 1 : -1;
        comboOpen(parts, true);
        at = at < 0 ? (step > 0 ? 0 : options.length - 1) : (at + step + options.length) % options.length;
        comboHighlight(parts, options[at]);
      } else if (event.key === "Enter" && open && !(event.ctrlKey || event.metaKey)) {
        if (active) pickOption(active);
        else comboOpen(parts, false);
      } else if (event.key === "Escape" && open) {
        comboOpen(parts, false);
      } else return;
      // Handled here: the form is not submitted, nor the whole form closed by Escape.
      // (Ctrl+Enter is not the list's: it saves the form, list open or not.)
      event.preventDefault();
      event.stopPropagation();
    },
    true
  );

  document.addEventListener("input", function (event) {
    var parts = event.target.matches && event.target.matches("[data-combobox-input]") && comboParts(event.target);
    if (parts && parts.id) parts.id.value = "";
  });

  document.addEventListener("focusout", function (event) {
    var parts = event.target.matches && event.target.matches("[data-combobox-input]") && comboParts(event.target);
    if (!parts) return;
    // Leaving the field closes its list; a click on an option keeps focus (mousedown below).
    setTimeout(function () {
      var box = parts.input.closest("[data-combobox]");
      if (box && !box.contains(document.activeElement)) comboOpen(parts, false);
    }, 0);
  });

  document.addEventListener("mousedown", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-combobox-option]")) {
      event.preventDefault(); // keep focus in the input
    }
  });

  function toggleHelp(force) {
    var help = document.getElementById("help");
    if (!help) return;
    var show = force === undefined ? help.hidden : force;
    help.hidden = !show;
    document.querySelectorAll("[aria-controls=help]").forEach(function (b) {
      b.setAttribute("aria-expanded", show ? "true" : "false");
    });
  }

  function quoteSelection() {
    var el = textEl();
    if (!el || !el.dataset.canEdit) return false;
    var span = selectionSpan();
    if (!span) say("Select some article text first.");
    else if (span.error) say(span.error);
    else openQuoteForm(span);
    return true;
  }

  // The touch offer "Make a quote" (devices.js) asks for the same as the key q.
  document.addEventListener("newsdesk:quote-selection", quoteSelection);

  function typing(target) {
    return (
      target instanceof Element &&
      (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"))
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var help = document.getElementById("help");
      if (help && !help.hidden) return toggleHelp(false);
      if (typing(event.target)) event.target.blur();
      closeForm();
      clearSelection();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var el = textEl();
    if (!el) return;
    var handled = true;
    switch (event.key) {
      case "?":
        toggleHelp();
        break;
      case "q":
        handled = quoteSelection();
        break;
      case "f":
        var add = document.querySelector("[data-add-fragment] button");
        if (add) press(add);
        else say("Choose a quote, then select the text to add to it.");
        break;
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "ArrowDown":
      case "ArrowUp":
        // Arrows move between quotes while one has focus; otherwise they scroll the page.
        if (event.target instanceof Element && event.target.closest(".quote-item")) {
          move(event.key === "ArrowDown" ? 1 : -1);
        } else handled = false;
        break;
      case "e":
        handled = clickAction("edit");
        break;
      case "Enter":
        // Only on a focused list item: Enter on a button or link keeps its own meaning.
        handled = event.target instanceof Element && event.target.matches(".quote-item");
        if (handled) handled = clickAction("edit");
        break;
      case "a":
        handled = clickAction("accept");
        break;
      case "r":
        handled = clickAction("reject");
        break;
      case "u":
        var undo = document.querySelector('[data-action="undo"]');
        if (undo) press(undo);
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  /* After htmx redraws the workspace: choose the quote the server points at, or keep the
   * chosen one. */
  document.addEventListener("htmx:afterSettle", function (event) {
    var ws = document.getElementById("workspace");
    if (!ws || !event.target || !(event.target.id === "workspace" || event.target.contains(ws))) {
      return;
    }
    var wanted = ws.dataset.select || current;
    choose(wanted, { scrollText: Boolean(ws.dataset.select) });
  });

  /* A change that redrew only what changed (the quote's list entry, the paragraphs of the
   * text it marks): the same, from the event the answer names. */
  document.addEventListener("newsdesk:patched", function (event) {
    var wanted = (event.detail && String(event.detail.select || "")) || "";
    choose(wanted || current, { scrollText: Boolean(wanted) });
  });

  /* A new list entry goes before the entry that follows it in the text; when the page does
   * not show that one (another editor's quote, since), at the end of the list. */
  document.addEventListener("htmx:oobErrorNoTarget", function (event) {
    var entry = event.detail && event.detail.content;
    var list = document.getElementById("quote-list");
    if (!list || !entry || !entry.hasAttribute || !entry.hasAttribute("data-list-entry")) return;
    var more = moreEntry();
    while (entry.firstElementChild) {
      var item = entry.firstElementChild;
      if (more) {
        // Its place is among the entries not listed yet.
        item.dataset.provisional = "true";
        list.insertBefore(item, more);
      } else list.appendChild(item);
    }
  });

  // A list that arrives after an option was highlighted (an answer to earlier typing) keeps
  // that option highlighted when it is still offered, so Enter picks what the editor saw.
  function optionKey(option) {
    return option ? (option.dataset.id || "") + "\u0000" + (option.dataset.name || "") : "";
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var list = event.detail.target;
    if (!(list && list.matches && list.matches("[data-combobox-list]"))) return;
    list.dataset.highlighted = optionKey(list.querySelector('[aria-selected="true"]'));
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.target;
    if (!(list && list.matches && list.matches("[data-combobox-list]"))) return;
    var options = comboOptions({ list: list });
    options.forEach(function (option, n) {
      option.id = list.id + "-" + n;
    });
    var parts = comboParts(list);
    comboOpen(parts, document.activeElement === parts.input);
    var was = list.dataset.highlighted;
    delete list.dataset.highlighted;
    if (was && parts.input.getAttribute("aria-expanded") === "true") {
      var same = options.filter(function (o) {
        return optionKey(o) === was;
      })[0];
      if (same) comboHighlight(parts, same);
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    say(
      status === 403
        ? "Your role may read but not change annotations."
        : "The server refused that (" + status + "). Nothing was changed."
    );
  });

  document.addEventListener("htmx:sendError", function () {
    say("The server could not be reached. Nothing was changed.");
  });

  /* The form that edits the article's text gets the text when it opens: the article text
   * on the page is the body, character for character, and a long body need not be read
   * twice with every page. */
  document.addEventListener(
    "toggle",
    function (event) {
      if (event.target.open) fillBody(event.target);
    },
    true
  );
  // Filled as it opens, too: the toggle event comes a task later, after the box is shown.
  document.addEventListener(
    "click",
    function (event) {
      var summary = event.target instanceof Element && event.target.closest("summary");
      var details = summary && summary.parentElement;
      if (details && details.tagName === "DETAILS" && !details.open) fillBody(details);
    },
    true
  );

  function fillBody(details) {
    var field = details.querySelector && details.querySelector("[data-body-of-text]");
    var el = textEl();
    if (field && el && !field.value) field.value = el.textContent;
  }

  window.addEventListener("hashchange", chooseFromHash);
  document.addEventListener("DOMContentLoaded", chooseFromHash);
})();
