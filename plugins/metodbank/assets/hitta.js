/* "Hitta projekt och metoder": facet filters over data/katalog.json.
   Within a facet, choices are OR; across facets, AND. Each value shows how
   many projects it would give with the other facets' choices kept. The URL
   holds the choices (?målgrupp=…&grad=2&q=…) so a result can be shared. */
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

  function init(root) {
    var form = root.querySelector("form");
    var facetBox = root.querySelector(".mb-facetter");
    var list = root.querySelector(".mb-traffar");
    var status = root.querySelector(".mb-antal");
    var base = root.getAttribute("data-bas");
    fetch(root.getAttribute("data-katalog")).then(function (r) { return r.json(); }).then(function (cat) {
      var facets = cat["fält"].slice(3);
      var records = cat.poster;
      var text = records.map(function (r) { return (r[1] + " " + r[2]).toLocaleLowerCase("sv"); });
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

      function matches(r, i, except, query) {
        if (query && text[i].indexOf(query) === -1) return false;
        for (var fi = 0; fi < facets.length; fi++) {
          var facet = facets[fi];
          if (facet === except || !selected[facet].length) continue;
          var values = r[3 + fi].map(function (v) { return cat.facetter[facet][v][0]; });
          if (!selected[facet].some(function (s) { return values.indexOf(s) !== -1; })) return false;
        }
        return true;
      }

      function update(push) {
        facets.forEach(function (f) {
          selected[f] = boxes[f].filter(function (b) { return b.input.checked; }).map(function (b) { return b.input.value; });
        });
        var query = form.q.value.trim().toLocaleLowerCase("sv");
        var hits = [];
        records.forEach(function (r, i) { if (matches(r, i, null, query)) hits.push(r); });
        facets.forEach(function (facet, fi) {
          var counts = cat.facetter[facet].map(function () { return 0; });
          records.forEach(function (r, i) {
            if (matches(r, i, facet, query)) r[3 + fi].forEach(function (v) { counts[v] += 1; });
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
        var out = new URLSearchParams();
        if (form.q.value.trim()) out.set("q", form.q.value.trim());
        facets.forEach(function (f) { selected[f].forEach(function (v) { out.append(f, v); }); });
        var url = window.location.pathname + (out.toString() ? "?" + out.toString() : "");
        window.history.replaceState(null, "", url);
      }

      form.addEventListener("change", function () { update(); });
      form.addEventListener("input", function () { update(); });
      form.addEventListener("reset", function () { setTimeout(update, 0); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      root.hidden = false;
      var fallback = document.querySelector(".mb-hitta-utan-js");
      if (fallback) fallback.hidden = true;
      update();
    });
  }

  function start() { document.querySelectorAll(".mb-hitta[data-katalog]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
