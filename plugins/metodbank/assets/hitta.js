/* "Hitta projekt och metoder": facet filters over data/katalog.json.
   Within a facet, choices are OR; across facets, AND. Each value shows how
   many projects it would give with the other facets' choices kept. The URL
   holds the choices (?målgrupp=…&grad=2&q=…) so a result can be shared.
   Free text is matched by the site's Pagefind index (Swedish stems and
   compound parts, as on /sok/): a project matches when its page is among
   the hits. Where Pagefind can't load (file://, an error) the text is
   matched as a substring of title and summary, and the page says so. */
(function () {
  "use strict";

  var FACET_NAMES = {
    "målgrupp": "Målgrupp", "parter": "Parter", "metoder": "Metod", "systemfel": "Systemfel",
    "förbund": "Förbund", "grad": "Grad av framgång", "status": "Status", "startår": "Startår"
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var HIT_LIMIT = 200;  // the most Pagefind hits whose page data is loaded
  var NARROW = "(max-width: 600px)";

  function pathOf(url) {
    var path = new URL(url, window.location.href).pathname;
    return path.replace(/index\.html$/, "");
  }

  /* Pagefind, with the extra parts of a large bank's index merged in (as
     sok.js does); resolves to null when it can't load. */
  function loadPagefind(root) {
    var bundleAttr = root.getAttribute("data-bundle");
    if (!bundleAttr || window.location.protocol === "file:") return Promise.resolve(null);
    try {
      var bundle = new URL(bundleAttr, window.location.href).pathname;
      var baseUrl = bundle.replace(/pagefind\/$/, "");
      var merge = (root.getAttribute("data-merge") || "").split(" ").filter(Boolean);
      return import(bundle + "pagefind.js").then(function (pagefind) {
        return Promise.resolve(pagefind.options({baseUrl: baseUrl})).then(function () {
          return Promise.all(merge.map(function (path) {
            return pagefind.mergeIndex(new URL(path, window.location.href).pathname, {baseUrl: baseUrl});
          }));
        }).then(function () { return pagefind; });
      }).catch(function () { return null; });
    } catch (e) {
      return Promise.resolve(null);
    }
  }

  function init(root) {
    var form = root.querySelector("form");
    var facetBox = root.querySelector(".mb-facetter");
    var facetDetails = root.querySelector(".mb-facett-ruta");
    var list = root.querySelector(".mb-traffar");
    var status = root.querySelector(".mb-antal");
    var how = root.querySelector(".mb-matchning");
    var base = root.getAttribute("data-bas");
    var engine = loadPagefind(root);
    // Facets start folded on a phone, so the first result is on the first screen.
    if (facetDetails) facetDetails.open = !window.matchMedia(NARROW).matches;
    fetch(root.getAttribute("data-katalog")).then(function (r) { return r.json(); }).then(function (cat) {
      var facets = cat["fält"].slice(3);
      var records = cat.poster;
      var text = records.map(function (r) { return (r[1] + " " + r[2]).toLocaleLowerCase("sv"); });
      var indexByPath = {};
      records.forEach(function (r, i) { indexByPath[pathOf(base + "projekt/" + r[0] + "/")] = i; });
      var pagefind = null;   // set once loaded; null while loading or when it failed
      var pagefindFailed = false;
      var textHit = null;    // null: no free text; else {index: true} of matching records
      var capped = false;    // Pagefind gave more than HIT_LIMIT project hits
      var searchSeq = 0;
      var selected = {};
      var params = new URLSearchParams(window.location.search);
      facets.forEach(function (f) { selected[f] = params.getAll(f); });
      form.q.value = params.get("q") || "";

      var boxes = {};
      facets.forEach(function (facet, fi) {
        var fs = el("fieldset", {"class": "mb-facett"});
        fs.appendChild(el("legend", {}, FACET_NAMES[facet] || facet));
        boxes[facet] = [];
        cat.facetter[facet].forEach(function (pair, vi) {
          var id = "f-" + fi + "-" + vi;
          var label = el("label", {"for": id});
          var input = el("input", {type: "checkbox", id: id, name: facet, value: pair[0]});
          input.checked = selected[facet].indexOf(pair[0]) !== -1;
          var count = el("span", {"class": "mb-facett-antal"});
          label.appendChild(input);
          label.appendChild(document.createTextNode(" " + pair[1] + " "));
          label.appendChild(count);
          fs.appendChild(label);
          boxes[facet].push({input: input, count: count, label: label});
        });
        facetBox.appendChild(fs);
      });

      function matches(r, i, except) {
        if (textHit && !textHit[i]) return false;
        for (var fi = 0; fi < facets.length; fi++) {
          var facet = facets[fi];
          if (facet === except || !selected[facet].length) continue;
          var values = r[3 + fi].map(function (v) { return cat.facetter[facet][v][0]; });
          if (!selected[facet].some(function (s) { return values.indexOf(s) !== -1; })) return false;
        }
        return true;
      }

      function substringHits(query) {
        var found = {};
        text.forEach(function (t, i) { if (t.indexOf(query) !== -1) found[i] = true; });
        return found;
      }

      /* Sets textHit for the current free text, then renders. A newer call
         makes an older Pagefind answer moot. */
      function update() {
        var raw = form.q.value.trim();
        var seq = ++searchSeq;
        if (!raw) {
          textHit = null; capped = false;
          how.textContent = "";
          render();
          return;
        }
        if (!pagefind) {
          textHit = substringHits(raw.toLocaleLowerCase("sv")); capped = false;
          how.textContent = pagefindFailed
            ? "Sökindexet kunde inte laddas, så fritexten matchas som exakt teckenföljd i titel och sammanfattning."
            : "Fritexten matchas som exakt teckenföljd medan sökindexet laddas …";
          render();
          return;
        }
        pagefind.search(raw, {filters: {Typ: "Projekt"}}).then(function (search) {
          if (seq !== searchSeq) return null;
          var results = (search && search.results) || [];
          capped = results.length > HIT_LIMIT;
          return Promise.all(results.slice(0, HIT_LIMIT).map(function (res) { return res.data(); }));
        }).then(function (datas) {
          if (!datas || seq !== searchSeq) return;
          var found = {};
          datas.forEach(function (d) {
            var i = indexByPath[pathOf(d.url)];
            if (i !== undefined) found[i] = true;
          });
          textHit = found;
          how.textContent = "Fritexten matchas som i sökfunktionen: böjningsformer och sammansatta ord räknas med."
            + (capped ? " Bara de " + HIT_LIMIT + " bästa träffarna används." : "");
          render();
        }).catch(function () {
          if (seq !== searchSeq) return;
          pagefind = null; pagefindFailed = true;
          update();
        });
      }

      function render() {
        facets.forEach(function (f) {
          selected[f] = boxes[f].filter(function (b) { return b.input.checked; }).map(function (b) { return b.input.value; });
        });
        var hits = [];
        records.forEach(function (r, i) { if (matches(r, i, null)) hits.push(r); });
        facets.forEach(function (facet, fi) {
          var counts = cat.facetter[facet].map(function () { return 0; });
          records.forEach(function (r, i) {
            if (matches(r, i, facet)) r[3 + fi].forEach(function (v) { counts[v] += 1; });
          });
          boxes[facet].forEach(function (b, vi) {
            b.count.textContent = "(" + counts[vi] + ")";
            b.label.classList.toggle("mb-noll", counts[vi] === 0 && !b.input.checked);
          });
        });
        list.textContent = "";
        hits.slice(0, 200).forEach(function (r) {
          var li = el("li");
          var a = el("a", {href: base + "projekt/" + r[0] + "/"}, r[1]);
          li.appendChild(a);
          var grad = cat.facetter["grad"][r[3 + facets.indexOf("grad")][0]][1];
          var forbund = r[3 + facets.indexOf("förbund")].map(function (v) { return cat.facetter["förbund"][v][1]; }).join(", ");
          li.appendChild(el("span", {"class": "mb-liten"}, " – " + forbund + ", grad " + grad));
          li.appendChild(el("p", {}, r[2]));
          list.appendChild(li);
        });
        status.textContent = hits.length + " av " + records.length + " projekt" + (hits.length > 200 ? " (de 200 första visas)" : "");
        if (facetSummary) {
          var chosen = facets.reduce(function (n, f) { return n + selected[f].length; }, 0);
          facetSummary.textContent = "Filter" + (chosen ? " (" + chosen + " valda)" : "");
        }
        var out = new URLSearchParams();
        if (form.q.value.trim()) out.set("q", form.q.value.trim());
        facets.forEach(function (f) { selected[f].forEach(function (v) { out.append(f, v); }); });
        var url = window.location.pathname + (out.toString() ? "?" + out.toString() : "");
        window.history.replaceState(null, "", url);
      }

      var facetSummary = facetDetails && facetDetails.querySelector("summary");
      form.addEventListener("change", function (e) { if (e.target === form.q) return; render(); });
      form.addEventListener("input", function (e) { if (e.target === form.q) update(); else render(); });
      form.addEventListener("reset", function () { setTimeout(update, 0); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      root.hidden = false;
      var fallback = document.querySelector(".mb-hitta-utan-js");
      if (fallback) fallback.hidden = true;
      // With ?q= in the address, wait for the index rather than showing
      // substring results that are then replaced.
      var ready = engine.then(function (pf) { pagefind = pf; pagefindFailed = !pf; });
      if (form.q.value.trim()) {
        status.textContent = "Söker …";
        ready.then(update);
      } else {
        update();
        ready.then(function () { if (form.q.value.trim()) update(); });
      }
    });
  }

  function start() { document.querySelectorAll(".mb-hitta[data-katalog]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
