/* Copy buttons beside the citations of an article or a page (templates/includes/citation.html).
   A file of its own, not inline script: the site's CSP allows only its own script files.
   The buttons are hidden in the HTML and shown here, so that without JavaScript no button does
   nothing (the citation text is still there, selected whole by one click: user-select: all).
   Where the clipboard cannot be written (an address that is not https or localhost, or a
   browser that refuses), the citation is selected instead and the status says how to copy it. */
(function () {
  "use strict";

  function selectWhole(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function announce(status, message) {
    // Emptied first, so that the same words said twice are announced twice (aria-live).
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function copySelected(text, status, style) {
    selectWhole(text);
    var copied = false;
    try {
      copied = document.execCommand("copy"); // the older way, for browsers without navigator.clipboard
    } catch (error) {
      copied = false;
    }
    announce(status, copied ? "已复制 " + style + " 格式引文" : "已选中 " + style + " 格式引文,请按 Ctrl+C(Mac:⌘C)复制");
  }

  function copy(button, status) {
    var text = document.getElementById(button.dataset.citation);
    var style = button.closest("dd").previousElementSibling.textContent.trim();
    if (!text) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.textContent).then(
        function () { announce(status, "已复制 " + style + " 格式引文"); },
        function () { copySelected(text, status, style); }
      );
    } else {
      copySelected(text, status, style);
    }
  }

  document.querySelectorAll(".citation").forEach(function (section) {
    var status = section.querySelector(".copy-status");
    section.querySelectorAll("button.copy-citation").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button, status); });
    });
  });
})();
