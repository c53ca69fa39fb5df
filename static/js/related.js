// An article's related reports (相关报道), when the page was served without them (the list was
// not in the cache): fetched from the list's own page after the article is shown, so that the
// search never adds to the time the article takes to appear. Without script, the section's
// link leads to that page.
(function () {
  "use strict";
  var placeholder = document.querySelector("[data-related-src]");
  if (!placeholder || !window.fetch || !window.DOMParser) {
    return;
  }
  placeholder.setAttribute("aria-busy", "true");
  fetch(placeholder.getAttribute("data-related-src"), {credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.text();
    })
    .then(function (html) {
      var found = new DOMParser().parseFromString(html, "text/html").getElementById("related-reports");
      if (found && found.querySelector("li")) {
        placeholder.replaceWith(document.importNode(found, true));
      } else {
        placeholder.remove();  // nothing related: no empty heading
      }
    })
    .catch(function () {
      placeholder.removeAttribute("aria-busy");  // the link to the list's page stays
    });
})();
