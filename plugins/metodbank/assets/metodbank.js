/* Metodbanken: small progressive enhancements. Without JavaScript every
   table is complete and already sorted; these only add sorting and filters. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.getAttribute("data-sort") || cell.textContent.trim();
  }

  function compare(a, b) {
    var na = parseFloat(a.replace(/\s/g, "").replace(",", "."));
    var nb = parseFloat(b.replace(/\s/g, "").replace(",", "."));
    if (!isNaN(na) && !isNaN(nb) && /^-?[\d\s.,]+$/.test(a) && /^-?[\d\s.,]+$/.test(b)) return na - nb;
    return a.localeCompare(b, "sv");
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilter(form) {
    var table = document.getElementById(form.getAttribute("data-mb-filter"));
    if (!table) return;
    var output = form.querySelector("output");
    form.hidden = false;
    function apply() {
      var shown = 0;
      var selects = form.querySelectorAll("select");
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var visible = Array.prototype.every.call(selects, function (select) {
          if (!select.value) return true;
          var values = (row.getAttribute("data-" + select.name) || "").split(" ");
          if (select.name === "status") values = [row.getAttribute("data-status")];
          return values.indexOf(select.value) !== -1;
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (output) output.textContent = shown + " av " + table.tBodies[0].rows.length + " systemfel visas";
    }
    form.addEventListener("change", apply);
    apply();
  }

  function init() {
    document.querySelectorAll("table.mb-sorterbar").forEach(makeSortable);
    document.querySelectorAll("form[data-mb-filter]").forEach(makeFilter);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
