// Atlas diagrams: "Copy Mermaid source" puts the figure's editable source on the clipboard.
// Without JavaScript the button stays hidden and the source is still there to select, in the
// "Mermaid source" disclosure under the figure.
(function () {
  "use strict";
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  document.querySelectorAll(".atlas-diagram-render").forEach(function (figure) {
    var button = figure.querySelector(".atlas-copy-source");
    var code = figure.querySelector(".atlas-mermaid-code");
    var status = figure.querySelector(".atlas-copy-status");
    if (!button || !code) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(code.textContent).then(
        function () { status.textContent = "Copied"; },
        function () { status.textContent = "Select the source below and copy it"; }
      );
      setTimeout(function () { status.textContent = ""; }, 3000);
    });
  });
})();
