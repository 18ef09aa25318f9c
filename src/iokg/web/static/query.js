// The query page works without this script. With it: example queries load into the editor
// without a page load, and Ctrl+Enter (Cmd+Enter) runs the query.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var status = document.getElementById("example-status");
  if (!form || !editor) return;

  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  document.querySelectorAll("a.load-example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var text = document.getElementById("example-text-" + link.dataset.example);
      if (!text) return; // fall back to the link
      event.preventDefault();
      editor.value = text.textContent;
      if (status) {
        status.textContent = "Loaded the example \u201c" + link.dataset.title +
          "\u201d. Run it, or edit it first.";
      }
      editor.focus();
      editor.setSelectionRange(0, 0);
      editor.scrollTop = 0;
      editor.scrollIntoView({ block: "start" });
    });
  });

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });
})();
