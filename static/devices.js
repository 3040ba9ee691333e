/* Newsdesk on every device: keyboard, touch, small screens, screen readers.
 *
 * - A caret in the article text: the text is focusable (Tab to it); arrow keys move a drawn
 *   caret by character, Ctrl+arrows by word, Up/Down by sentence, Home/End to the line's
 *   ends; Shift extends the selection, `o` swaps its ends so that either can be moved; `q`
 *   (newsdesk.js) makes a quote of it.
 * - On touch, a selection in the article offers "Make a quote"; on narrow screens the form
 *   opens as a sheet below the selection, which is scrolled into view above it.
 * - The span a form was opened on stays marked (CSS Custom Highlight API) and its ends can
 *   be moved from the form.
 * - Dialogs (the help, the quote form) take focus and give it back when they close.
 * - Messages: the page's own message area and the status live region say the same thing,
 *   and go away by themselves.
 * Offsets here are UTF-16 indices into the text; the form's values are code points.
 */
(function () {
  "use strict";

  var WORD = /[\p{L}\p{N}\p{M}_'’-]/u;
  var SENTENCE_END = /[.!?…]/;
  var CLOSERS = /["”’»)\]]/;
  var NARROW = window.matchMedia("(max-width: 900px)");
  var COARSE = window.matchMedia("(pointer: coarse)");

  function textEl() {
    return document.getElementById("article-text");
  }

  function statusBox() {
    return document.getElementById("status");
  }

  /* --- Text positions ------------------------------------------------------------------- */

  /* The DOM point of UTF-16 index ``index`` in ``el``'s text (walking only as far as it). */
  function pointAt(el, index) {
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    var seen = 0;
    var last = null;
    var node;
    while ((node = walker.nextNode())) {
      var n = node.data.length;
      if (index <= seen + n) return { node: node, offset: index - seen };
      seen += n;
      last = node;
    }
    if (!last) return { node: el, offset: 0 };
    return { node: last, offset: last.data.length };
  }

  function indexOf(el, node, offset) {
    var r = document.createRange();
    r.setStart(el, 0);
    r.setEnd(node, offset);
    return r.toString().length;
  }

  function rangeOf(el, start, end) {
    var a = pointAt(el, start);
    var b = pointAt(el, end);
    var r = document.createRange();
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
    return r;
  }

  /* Code points <-> UTF-16 units in ``text``. */
  function unitsOf(text, codePoints) {
    var units = 0;
    for (var n = 0; n < codePoints && units < text.length; n++) {
      var c = text.charCodeAt(units);
      units += c >= 0xd800 && c <= 0xdbff && isLow(text.charCodeAt(units + 1)) ? 2 : 1;
    }
    return units;
  }

  function codePointsOf(text, units) {
    return Array.from(text.slice(0, units)).length;
  }

  /* --- Moving through the text ------------------------------------------------------------ */

  function isLow(c) {
    return c >= 0xdc00 && c <= 0xdfff;
  }

  function charStep(text, i, dir) {
    if (dir > 0) {
      if (i >= text.length) return text.length;
      i++;
      while (i < text.length && (isLow(text.charCodeAt(i)) || /\p{M}/u.test(text[i]))) i++;
      return i;
    }
    if (i <= 0) return 0;
    i--;
    while (i > 0 && (isLow(text.charCodeAt(i)) || /\p{M}/u.test(text[i]))) i--;
    return i;
  }

  function wordStep(text, i, dir) {
    if (dir > 0) {
      while (i < text.length && !WORD.test(text[i])) i++;
      while (i < text.length && WORD.test(text[i])) i++;
      return i;
    }
    while (i > 0 && !WORD.test(text[i - 1])) i--;
    while (i > 0 && WORD.test(text[i - 1])) i--;
    return i;
  }

  /* Sentence starts: the text's start, and after an end mark (and any closing quote or
   * bracket) followed by white space, or after a line break. */
  function sentenceStarts(text) {
    var starts = [0];
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      var j = -1;
      if (c === "\n") j = i + 1;
      else if (SENTENCE_END.test(c)) {
        j = i + 1;
        while (j < text.length && CLOSERS.test(text[j])) j++;
        if (j < text.length && !/\s/.test(text[j])) j = -1;
      }
      if (j > 0) {
        while (j < text.length && /\s/.test(text[j])) j++;
        if (j < text.length && j !== starts[starts.length - 1]) starts.push(j);
        if (j > i) i = j - 1;
      }
    }
    return starts;
  }

  /* Down: to the end of this sentence (before its trailing space), then of the next. Up: to
   * the start of this sentence, then of the one before. */
  function sentenceStep(text, i, dir) {
    var starts = sentenceStarts(text);
    if (dir < 0) {
      for (var k = starts.length - 1; k >= 0; k--) if (starts[k] < i) return starts[k];
      return 0;
    }
    for (var m = 0; m < starts.length; m++) {
      var next = m + 1 < starts.length ? starts[m + 1] : text.length;
      var end = next;
      while (end > starts[m] && /\s/.test(text[end - 1])) end--;
      if (end > i) return end;
    }
    return text.length;
  }

  function lineStep(text, i, dir) {
    if (dir < 0) {
      var b = text.lastIndexOf("\n", i - 1);
      return b < 0 ? 0 : b + 1;
    }
    var e = text.indexOf("\n", i);
    return e < 0 ? text.length : e;
  }

  /* --- The caret ---------------------------------------------------------------------------- */

  var caret = { anchor: 0, focus: 0 };

  function caretEl() {
    var el = textEl();
    var column = el && el.closest(".article-column");
    if (!column) return null;
    var mark = column.querySelector(".kb-caret");
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "kb-caret";
      mark.setAttribute("aria-hidden", "true");
      mark.hidden = true;
      column.appendChild(mark);
    }
    return mark;
  }

  function caretRect(el, index) {
    var p = pointAt(el, index);
    var r = document.createRange();
    r.setStart(p.node, p.offset);
    r.collapse(true);
    var rects = r.getClientRects();
    if (rects.length && rects[0].height) return { left: rects[0].left, top: rects[0].top, height: rects[0].height };
    // At a line break or a node's edge: the edge of the character beside it.
    var text = el.textContent;
    if (index < text.length && text[index] !== "\n") {
      var box = rangeOf(el, index, charStep(text, index, 1)).getClientRects()[0];
      if (box) return { left: box.left, top: box.top, height: box.height };
    }
    if (index > 0) {
      var back = rangeOf(el, charStep(text, index, -1), index).getClientRects();
      var last = back[back.length - 1];
      if (last) return { left: last.right, top: last.top, height: last.height };
    }
    var whole = el.getBoundingClientRect();
    return { left: whole.left, top: whole.top, height: 20 };
  }

  function drawCaret(scroll) {
    var el = textEl();
    var mark = caretEl();
    if (!el || !mark) return;
    if (document.activeElement !== el) {
      mark.hidden = true;
      return;
    }
    var rect = caretRect(el, caret.focus);
    var column = mark.parentElement.getBoundingClientRect();
    mark.style.left = rect.left - column.left + "px";
    mark.style.top = rect.top - column.top + "px";
    mark.style.height = rect.height + "px";
    mark.hidden = false;
    if (scroll) {
      var margin = 48;
      var bottom = window.innerHeight - sheetHeight();
      if (rect.top < margin) window.scrollBy(0, rect.top - margin);
      else if (rect.top + rect.height > bottom - margin) {
        window.scrollBy(0, rect.top + rect.height - bottom + margin);
      }
    }
  }

  function applyCaret() {
    var el = textEl();
    var sel = window.getSelection();
    if (!el || !sel) return;
    var a = pointAt(el, caret.anchor);
    var f = pointAt(el, caret.focus);
    syncing = true;
    sel.setBaseAndExtent(a.node, a.offset, f.node, f.offset);
    drawCaret(true);
  }

  var syncing = false;

  /* The caret follows a selection made with the mouse or by touch. */
  document.addEventListener("selectionchange", function () {
    var el = textEl();
    var sel = window.getSelection();
    if (syncing) {
      syncing = false;
    } else if (el && sel && sel.rangeCount && el.contains(sel.anchorNode) && el.contains(sel.focusNode)) {
      caret.anchor = indexOf(el, sel.anchorNode, sel.anchorOffset);
      caret.focus = indexOf(el, sel.focusNode, sel.focusOffset);
      drawCaret(false);
    }
    scheduleOffer();
  });

  function moveCaret(event) {
    var el = textEl();
    var text = el.textContent;
    var i = caret.focus;
    var key = event.key;
    var to;
    if (key === "ArrowLeft" || key === "ArrowRight") {
      var dir = key === "ArrowRight" ? 1 : -1;
      if (!event.shiftKey && !event.ctrlKey && caret.anchor !== caret.focus) {
        // As in a text field: an arrow without Shift collapses the selection to that side.
        to = dir > 0 ? Math.max(caret.anchor, caret.focus) : Math.min(caret.anchor, caret.focus);
      } else to = event.ctrlKey || event.altKey ? wordStep(text, i, dir) : charStep(text, i, dir);
    } else if (key === "ArrowUp" || key === "ArrowDown") {
      to = sentenceStep(text, i, key === "ArrowDown" ? 1 : -1);
    } else if (key === "Home" || key === "End") {
      to = event.ctrlKey ? (key === "End" ? text.length : 0) : lineStep(text, i, key === "End" ? 1 : -1);
    } else return false;
    caret.focus = to;
    if (!event.shiftKey) caret.anchor = to;
    applyCaret();
    if (event.shiftKey) followSelection();
    return true;
  }

  document.addEventListener(
    "keydown",
    function (event) {
      var el = textEl();
      if (!el || event.target !== el || event.metaKey) return;
      if (moveCaret(event)) {
        event.preventDefault();
        return;
      }
      if (event.key === "o" && !event.ctrlKey && !event.altKey) {
        // Swap the selection's ends, so that the other one moves next.
        var a = caret.anchor;
        caret.anchor = caret.focus;
        caret.focus = a;
        applyCaret();
        event.preventDefault();
      }
    },
    true
  );

  document.addEventListener("focusin", function (event) {
    var el = textEl();
    if (el && event.target === el) {
      var sel = window.getSelection();
      if (!(sel && sel.rangeCount && el.contains(sel.anchorNode))) {
        caret.anchor = caret.focus = Math.min(caret.focus, el.textContent.length);
      }
      drawCaret(false);
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === textEl()) {
      var mark = caretEl();
      if (mark) mark.hidden = true;
    }
  });

  window.addEventListener("resize", function () {
    drawCaret(false);
    markPending();
  });

  /* --- The span of the open form ---------------------------------------------------------- */

  function openForm() {
    return document.querySelector("#quote-form-slot [data-quote-form]");
  }

  function formSpans(form) {
    var spans = [];
    form.querySelectorAll('input[name="fragment"]').forEach(function (input) {
      if (input.type === "checkbox" && !input.checked) return;
      var m = /^(\d+)-(\d+)$/.exec(input.value);
      if (m) spans.push([Number(m[1]), Number(m[2])]);
    });
    return spans;
  }

  function pendingRanges() {
    var el = textEl();
    var form = openForm();
    if (!el || !form) return [];
    var text = el.textContent;
    return formSpans(form).map(function (span) {
      return rangeOf(el, unitsOf(text, span[0]), unitsOf(text, span[1]));
    });
  }

  // What the pending mark was drawn for: it is drawn again only when that changes (this runs
  // after every change to the page, and finding ranges walks the whole text).
  var pendingFor = null;

  function markPending() {
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    var form = openForm();
    var key = form ? formSpans(form).join(" ") : "";
    if (pendingFor && pendingFor.form === form && pendingFor.key === key) return;
    pendingFor = { form: form, key: key };
    var ranges = pendingRanges();
    if (ranges.length) {
      var h = new Highlight();
      ranges.forEach(function (r) {
        h.add(r);
      });
      CSS.highlights.set("nd-pending", h);
    } else CSS.highlights.delete("nd-pending");
  }

  /* Move one end of a new quote's span by a word (from the form's buttons) or to the
   * selection (while the article has focus). */
  function setNewSpan(form, start, end) {
    var el = textEl();
    var input = form.querySelector('input[type="hidden"][name="fragment"]');
    if (!el || !input || start >= end) return;
    var chars = Array.from(el.textContent);
    while (start < end && /\s/u.test(chars[start])) start++;
    while (end > start && /\s/u.test(chars[end - 1])) end--;
    if (start >= end) return;
    input.value = start + "-" + end;
    var quoted = form.querySelector("[data-selected-text]");
    var text = chars.slice(start, end).join("");
    if (quoted) quoted.textContent = text.length > 300 ? text.slice(0, 299) + "…" : text;
    var offsets = quoted && quoted.parentElement.querySelector(".offsets");
    if (offsets) offsets.textContent = start + "–" + end;
    markPending();
    say("Quote text: " + (text.length > 120 ? text.slice(0, 119) + "…" : text), true);
  }

  function nudge(button) {
    var form = button.closest("[data-quote-form]");
    var el = textEl();
    var span = form && formSpans(form)[0];
    if (!span || !el) return;
    var text = el.textContent;
    var which = button.dataset.nudge;
    var dir = Number(button.dataset.by);
    var units = unitsOf(text, which === "start" ? span[0] : span[1]);
    var moved = codePointsOf(text, wordStep(text, units, dir));
    if (which === "start") setNewSpan(form, Math.min(moved, span[1] - 1), span[1]);
    else setNewSpan(form, span[0], Math.max(moved, span[0] + 1));
  }

  function followSelection() {
    var form = openForm();
    var el = textEl();
    if (!form || !el || !form.querySelector("[data-selected-text]")) return;
    if (caret.anchor === caret.focus) return;
    var text = el.textContent;
    var a = codePointsOf(text, Math.min(caret.anchor, caret.focus));
    var b = codePointsOf(text, Math.max(caret.anchor, caret.focus));
    setNewSpan(form, a, b);
  }

  /* --- Touch: "Make a quote" beside the selection --------------------------------------- */

  var lastPointer = "";
  document.addEventListener(
    "pointerdown",
    function (event) {
      lastPointer = event.pointerType;
    },
    true
  );
  document.addEventListener(
    "touchstart",
    function () {
      lastPointer = "touch";
    },
    { capture: true, passive: true }
  );

  function offerEl() {
    var el = textEl();
    var column = el && el.closest(".article-column");
    if (!column || !el.dataset.canEdit) return null;
    var offer = column.querySelector(".touch-offer");
    if (!offer) {
      offer = document.createElement("div");
      offer.className = "touch-offer";
      offer.hidden = true;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "primary";
      button.dataset.makeQuote = "";
      button.textContent = "Make a quote";
      offer.appendChild(button);
      column.appendChild(offer);
    }
    return offer;
  }

  var offerTimer = null;
  function scheduleOffer() {
    clearTimeout(offerTimer);
    offerTimer = setTimeout(placeOffer, 200);
  }

  function placeOffer() {
    var offer = offerEl();
    if (!offer) return;
    var el = textEl();
    var sel = window.getSelection();
    var touch = lastPointer === "touch" || (COARSE.matches && lastPointer !== "mouse");
    var ok =
      touch &&
      sel &&
      sel.rangeCount &&
      !sel.isCollapsed &&
      el.contains(sel.anchorNode) &&
      el.contains(sel.focusNode) &&
      !document.body.classList.contains("picking");
    if (!ok) {
      offer.hidden = true;
      return;
    }
    var rects = sel.getRangeAt(0).getClientRects();
    var last = rects[rects.length - 1];
    if (!last) return;
    var column = offer.parentElement.getBoundingClientRect();
    offer.hidden = false;
    var width = offer.offsetWidth;
    var left = Math.max(4, Math.min(last.right - column.left - width / 2, column.width - width - 4));
    // Below the selection's last line: the phone's own selection menu sits above it.
    offer.style.left = left + "px";
    offer.style.top = last.bottom - column.top + 28 + "px";
    var box = offer.getBoundingClientRect();
    // Into view with a margin: scrollIntoView("nearest") may leave it a fraction of a pixel out.
    if (box.bottom > window.innerHeight) window.scrollBy(0, Math.ceil(box.bottom - window.innerHeight) + 8);
    else if (box.top < 0) window.scrollBy(0, Math.floor(box.top) - 8);
  }

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!(t instanceof Element)) return;
    if (t.closest("[data-make-quote]")) {
      event.preventDefault();
      document.dispatchEvent(new CustomEvent("newsdesk:quote-selection"));
      t.closest(".touch-offer").hidden = true;
      return;
    }
    var n = t.closest("[data-nudge]");
    if (n) nudge(n);
  });

  /* --- Dialogs: focus in, focus back -------------------------------------------------------- */

  var helpOpener = null;
  var formOpener = null;

  function focusable(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]"),
      function (n) {
        return !n.disabled && n.tabIndex >= 0 && n.getClientRects().length;
      }
    );
  }

  function watchHelp() {
    var help = document.getElementById("help");
    if (!help || help.dataset.watched) return;
    help.dataset.watched = "1";
    new MutationObserver(function () {
      if (!help.hidden) {
        helpOpener = document.activeElement;
        var title = help.querySelector("h2");
        title.setAttribute("tabindex", "-1");
        title.focus();
      } else if (helpOpener && document.contains(helpOpener)) {
        helpOpener.focus();
        helpOpener = null;
      }
    }).observe(help, { attributes: true, attributeFilter: ["hidden"] });
    // Tab stays inside the help while it is open.
    help.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var items = focusable(help);
      if (!items.length) return;
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        last.focus();
        event.preventDefault();
      } else if (!event.shiftKey && document.activeElement === last) {
        first.focus();
        event.preventDefault();
      }
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var cfg = event.detail.requestConfig || {};
    var target = event.detail.target;
    if (target && target.id === "quote-form-slot" && cfg.verb === "get" && !openForm()) {
      formOpener = document.activeElement;
      if (formOpener === document.body) formOpener = textEl();
    }
  });

  function giveFocusBack() {
    var back = formOpener;
    formOpener = null;
    if (back && !document.contains(back)) {
      // Redrawn: the same element of the new workspace, or the chosen quote.
      back = back.id ? document.getElementById(back.id) : null;
    }
    if (!back || back === document.body) {
      back = document.querySelector('#quote-list [aria-current="true"]') || textEl();
    }
    if (back) back.focus({ preventScroll: true });
    if (back === textEl()) drawCaret(true);
  }

  var hadForm = false;
  function afterChange() {
    var form = openForm();
    if (form && !hadForm) {
      if (!form.contains(document.activeElement)) {
        var first =
          document.querySelector("#quote-form-slot [data-add-fragment] button") ||
          form.querySelector("[data-speaker-input]") ||
          focusable(form)[0];
        if (first) first.focus({ preventScroll: true });
      }
      if (NARROW.matches) {
        document.body.classList.add("sheet-open");
        // The sheet lies over the quote list: nothing there to reach until it closes (the
        // article text stays live, to move the selection).
        setListInert(true);
        bringSelectionIntoView();
      } else {
        // The form heads the sidebar, which may have scrolled down its list of quotes.
        var sidebar = form.closest(".sidebar");
        if (sidebar) sidebar.scrollTop = 0;
      }
    } else if (!form && hadForm) {
      document.body.classList.remove("sheet-open");
      setListInert(false);
      var active = document.activeElement;
      if (!active || active === document.body || !document.contains(active)) giveFocusBack();
    }
    hadForm = Boolean(form);
    markPending();
    watchHelp();
    var offer = offerEl();
    if (offer && form) offer.hidden = true;
  }

  function setListInert(on) {
    var list = document.getElementById("quote-list");
    if (list) list.inert = on;
  }

  function sheetHeight() {
    if (!NARROW.matches) return 0;
    var slot = document.getElementById("quote-form-slot");
    return slot && openForm() ? slot.getBoundingClientRect().height : 0;
  }

  function bringSelectionIntoView() {
    var ranges = pendingRanges();
    if (!ranges.length) return;
    var rect = ranges[0].getBoundingClientRect();
    var room = window.innerHeight - sheetHeight();
    var want = Math.max(8, (room - rect.height) / 2);
    window.scrollBy(0, rect.top - want);
  }

  /* Ctrl+Enter saves the open form from any of its fields. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var form = event.target instanceof Element && event.target.closest("[data-quote-form]");
    if (form) {
      event.preventDefault();
      form.requestSubmit(form.querySelector('[data-action="save"]'));
    }
  });

  /* Escape closes the menu on a narrow screen. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector("[data-menu][open]");
    if (menu && menu.contains(document.activeElement)) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  /* --- Messages ------------------------------------------------------------------------------ */

  var flashTimer = null;

  /* Show ``message`` in the page's message area (or the status region) and have the status
   * region say it; both clear after a while. */
  function say(message, quiet) {
    var box = statusBox();
    if (!box) return;
    box.dataset.mirrored = "1";
    box.textContent = message;
    box.classList.add("show");
    clearTimeout(say.timer);
    say.timer = setTimeout(function () {
      box.classList.remove("show");
      box.textContent = "";
    }, 6000);
    if (!quiet) showInFlash(message);
  }

  function showInFlash(message) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var p = document.createElement("p");
    p.className = "flash";
    p.textContent = message;
    flash.replaceChildren(p);
    dismissFlashLater(flash);
  }

  function dismissFlashLater(flash) {
    clearTimeout(flashTimer);
    var keep = flash.querySelector('[data-action="undo"]') ? 15000 : 7000;
    flashTimer = setTimeout(function () {
      var now = document.getElementById("flash");
      if (now && !now.contains(document.activeElement)) now.replaceChildren();
    }, keep);
  }

  function watchStatus() {
    var box = statusBox();
    if (!box || box.dataset.watched) return;
    box.dataset.watched = "1";
    // newsdesk.js writes its messages here; show them where the page shows messages.
    new MutationObserver(function () {
      if (box.dataset.mirrored) {
        delete box.dataset.mirrored;
        return;
      }
      if (box.textContent) showInFlash(box.textContent);
    }).observe(box, { childList: true, characterData: true, subtree: true });
  }

  function announceFlash() {
    var flash = document.getElementById("flash");
    if (!flash || !flash.textContent.trim()) return;
    var copy = flash.cloneNode(true);
    copy.querySelectorAll("button").forEach(function (b) {
      b.remove();
    });
    var text = copy.textContent.trim();
    if (flash.querySelector('[data-action="undo"]')) text += " Press u to undo.";
    say(text, true);
    dismissFlashLater(flash);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var t = event.target;
    if (t && (t.id === "workspace" || t.id === "flash" || (t.contains && t.contains(document.getElementById("workspace"))))) {
      announceFlash();
    }
    var el = textEl();
    if (t && el && (t === el || t.contains(el) || el.contains(t))) pendingFor = null; // new text
    afterChange();
  });

  function setUp() {
    if (document.getElementById("flash")) document.body.classList.add("has-flash");
    watchStatus();
    watchHelp();
    announceFlash();
    new MutationObserver(function () {
      requestAnimationFrame(afterChange);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
