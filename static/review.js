/* Newsdesk workflow keys, beside newsdesk.js: the queue (n) and, on the article page,
 * reviewing suggestions one at a time and undoing. No inline script; requests go through
 * htmx with the CSRF header set on <body>. */
(function () {
  "use strict";

  function typing(target) {
    return (
      target instanceof Element &&
      (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"))
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "n") {
      var next = document.querySelector("[data-next-article]");
      if (next) {
        event.preventDefault();
        window.location.assign(next.href);
      }
    }
  });
})();
