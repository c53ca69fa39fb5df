/* Reading keys on article and page views: a key follows the link whose aria-keyshortcuts names
   it (j next article, k previous, n next page, p previous; templates/includes/
   article_neighbours.html and page_detail.html), so what the links announce and what the keys
   do are one list. A file of its own, not inline script: the CSP allows only the site's files.

   Never taken: a key typed into a form field or editable text (the search box), a key pressed
   with Ctrl, Alt, Meta or Shift (the browser's and screen readers' own commands), a key an input
   method is composing, or any key once the reader has switched them off (WCAG 2.1.4: single-
   character shortcuts can be turned off), which this browser remembers. */
(function () {
  "use strict";

  var STORAGE_KEY = "archive.reading-keys";

  function enabled() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) !== "off";
    } catch (error) { // storage refused (private windows in some browsers): keys stay on
      return true;
    }
  }

  function remember(on) {
    try {
      if (on) {
        window.localStorage.removeItem(STORAGE_KEY);
      } else {
        window.localStorage.setItem(STORAGE_KEY, "off");
      }
    } catch (error) {
      /* nothing to remember it in */
    }
  }

  function typing(target) {
    if (!(target instanceof Element)) {
      return false;
    }
    return target.isContentEditable || target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function linkFor(key) {
    var links = document.querySelectorAll("a[aria-keyshortcuts]");
    for (var i = 0; i < links.length; i += 1) {
      if (links[i].getAttribute("aria-keyshortcuts").toLowerCase() === key) {
        return links[i];
      }
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.altKey || event.metaKey ||
        event.shiftKey || !enabled() || typing(event.target) || event.key.length !== 1) {
      return;
    }
    var link = linkFor(event.key.toLowerCase());
    if (link) {
      event.preventDefault();
      link.click();
    }
  });

  var toggle = document.getElementById("reading-keys-enabled");
  if (toggle) {
    toggle.checked = enabled();
    toggle.addEventListener("change", function () { remember(toggle.checked); });
    document.getElementById("reading-keys-switch").hidden = false;
  }
})();
