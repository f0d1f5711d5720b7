/* sphinxcontrib-highlight: turn each "citation as plain text" link into a copy button.
 *
 * Without JavaScript the link stays and opens the citation as a text file. With it, the
 * link becomes a real <button> (focusable, and pressed with Enter or Space like any
 * button) that puts the citation from its data-highlight-copy attribute on the
 * clipboard, and says so in a live region that screen readers announce. No external
 * script, no network.
 */
(function () {
  "use strict";

  /* The Clipboard API where the page may use it; else a hidden textarea and execCommand. */
  function writeClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      document.body.removeChild(area);
      if (copied) {
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  function upgrade(link) {
    var text = link.getAttribute("data-highlight-copy");
    if (text === null) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "highlight-copy";
    button.textContent = link.getAttribute("data-highlight-label") || "Copy citation";
    var status = document.createElement("span");
    status.className = "highlight-copy-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      writeClipboard(text).then(
        function () {
          status.textContent = link.getAttribute("data-highlight-copied") || "Copied";
        },
        function () {
          status.textContent = link.getAttribute("data-highlight-failed") || "Copy failed";
        }
      );
    });
    link.parentNode.replaceChild(button, link);
    button.parentNode.insertBefore(status, button.nextSibling);
  }

  function init() {
    var links = document.querySelectorAll("a.highlight-copy[data-highlight-copy]");
    Array.prototype.forEach.call(links, upgrade);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
