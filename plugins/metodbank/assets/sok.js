/* Start Pagefind's search UI on /sok/ and run the query from ?q= (the
   header search box submits here). Swedish texts come from Pagefind's own
   translations, chosen by <html lang="sv">. */
(function () {
  "use strict";
  var box = document.getElementById("mb-sok");
  if (!box || typeof PagefindUI === "undefined") return;
  var bundle = new URL(box.getAttribute("data-bundle"), window.location.href).pathname;
  var baseUrl = bundle.replace(/pagefind\/$/, "");
  // A large bank's index comes in parts (data-merge); Pagefind searches them
  // as one, sharing the first bundle's WebAssembly.
  var merge = (box.getAttribute("data-merge") || "").split(" ").filter(Boolean).map(function (path) {
    return { bundlePath: new URL(path, window.location.href).pathname, baseUrl: baseUrl };
  });
  var ui = new PagefindUI({
    element: "#mb-sok",
    bundlePath: bundle,
    // Result URLs are indexed from the site root; this keeps them right when
    // the site is published under a sub-path (e.g. GitHub Pages).
    baseUrl: baseUrl,
    mergeIndex: merge,
    showImages: false,
    showSubResults: false,
    resetStyles: false,
    autofocus: true
  });
  // Pagefind's input has only a placeholder; give it a real accessible name.
  var input = box.querySelector("input");
  if (input) input.setAttribute("aria-label", "Sök i Metodbanken");
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
