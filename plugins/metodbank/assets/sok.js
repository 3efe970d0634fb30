/* Start Pagefind's search UI on /sok/ and run the query from ?q= (the
   header search box submits here). Swedish texts come from Pagefind's own
   translations, chosen by <html lang="sv">. Each result says what it is
   (Projekt, Metod, Systemfel) and shows an excerpt of the page's text. */
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
  // Where a page's hidden search terms start (compound parts and the values
  // of its fact list, pagefind_body.html.j2): an excerpt never reaches them.
  var HIDDEN = "mb-dolda-sokord";
  var EXCERPT_WORDS = 30;

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /* The start of the EXCERPT_WORDS-word window with the most weight, as
     Pagefind chooses it, among `locations` only. */
  function densest(locations, words) {
    var weight = [];
    locations.forEach(function (l) { weight[l.location] = (weight[l.location] || 0) + l.balanced_score; });
    var best = -1;
    var ties = [0];
    for (var start = 0; start < words; start++) {
      var sum = 0;
      for (var i = start; i < Math.min(start + EXCERPT_WORDS, words); i++) sum += weight[i] || 0;
      if (sum > best) { best = sum; ties = [start]; }
      else if (sum === best && ties[ties.length - 1] === start - 1) ties.push(start);
    }
    // Of equally good windows the middle one: the match sits mid-excerpt.
    return ties[Math.floor(ties.length / 2)];
  }

  /* A result a person can read: its type before its title ("Projekt: …"),
     and an excerpt from the page's own text (summary or body) with the
     matches marked, never from the hidden terms after it. */
  function readable(result) {
    var typ = result.filters && result.filters.Typ && result.filters.Typ[0];
    if (typ && result.meta && result.meta.title) result.meta.title = typ + ": " + result.meta.title;
    var hidden = (result.anchors || []).filter(function (a) { return a.id === HIDDEN; })[0];
    if (!hidden) return result;
    var words = (result.content || "").split(/[\r\n\s]+/g);
    var end = Math.min(hidden.location, words.length);
    var shown = (result.weighted_locations || []).filter(function (l) { return l.location < end; });
    var start;
    if (shown.length) {
      start = Math.max(0, Math.min(densest(shown, end), end - EXCERPT_WORDS));
    } else {
      // Only the hidden terms matched: the page's opening words after its
      // title (a method's or systemfel's summary, a project's success).
      var title = (result.meta && result.meta.title || "").split(/\s+/).length - (typ ? 1 : 0);
      start = Math.min(title, Math.max(0, end - EXCERPT_WORDS));
    }
    var marked = {};
    shown.forEach(function (l) { marked[l.location] = true; });
    var excerpt = [];
    for (var i = start; i < Math.min(start + EXCERPT_WORDS, end); i++) {
      var word = escapeHtml(words[i]);
      excerpt.push(marked[i] ? "<mark>" + word + "</mark>" : word);
    }
    result.excerpt = excerpt.join(" ");
    return result;
  }

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
    autofocus: true,
    processResult: readable
  });
  // Pagefind's input has only a placeholder; give it a real accessible name.
  var input = box.querySelector("input");
  if (input) input.setAttribute("aria-label", "Sök i Metodbanken");
  var query = new URLSearchParams(window.location.search).get("q");
  if (!query) return;
  // Pagefind counts a search's filters from the filter data loaded so far, and
  // its UI keeps the first counts it gets: a ?q= search run before all filter
  // data has arrived leaves filters out of the panel for good (seen on a slow
  // machine: no "Typ"). So the search waits for the panel, which the UI builds
  // from every filter once Pagefind has loaded; at most a few seconds.
  var started = false;
  var observer = new MutationObserver(function () {
    if (box.querySelector(".pagefind-ui__filter-panel")) start();
  });
  function start() {
    if (started) return;
    started = true;
    observer.disconnect();
    ui.triggerSearch(query);
  }
  observer.observe(box, { childList: true, subtree: true });
  if (input) input.focus(); // the UI loads Pagefind when its input gets focus
  window.setTimeout(start, 5000);
})();
