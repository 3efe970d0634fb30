/* Metodbanken: small progressive enhancements. Without JavaScript every
   table is complete and already sorted; these only add sorting, filters and
   views. A table with `data-url-state` keeps its sort and view in the
   address (?visa=…&sortera=…&ordning=…), so that the choice can be shared. */
(function () {
  "use strict";

  var ORDER_WORDS = {ascending: "stigande", descending: "fallande"};
  var ORDER_FROM_WORD = {stigande: "ascending", fallande: "descending"};

  /* A cell's sort value: its data-sort, else its text. An empty data-sort
     means "no value" (uppgift saknas): null, always sorted last. */
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return null;
    var value = cell.getAttribute("data-sort");
    if (value === null) return cell.textContent.trim();
    return value === "" ? null : value;
  }

  function compare(a, b) {
    var na = parseFloat(a.replace(/\s/g, "").replace(",", "."));
    var nb = parseFloat(b.replace(/\s/g, "").replace(",", "."));
    if (!isNaN(na) && !isNaN(nb) && /^-?[\d\s.,]+$/.test(a) && /^-?[\d\s.,]+$/.test(b)) return na - nb;
    return a.localeCompare(b, "sv");
  }

  function params() {
    return new URLSearchParams(window.location.search);
  }

  /* Set (or, for an empty value, remove) query parameters, keeping the others. */
  function writeParams(changes) {
    var query = params();
    Object.keys(changes).forEach(function (name) {
      if (changes[name]) query.set(name, changes[name]);
      else query.delete(name);
    });
    var text = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : "") + window.location.hash);
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var body = table.tBodies[0];
    var inUrl = table.hasAttribute("data-url-state");
    var orderText = table.caption ? table.caption.querySelector(".mb-ordning") : null;
    var labels = [];
    // Equal values keep the page's own order, whatever was clicked before.
    Array.prototype.forEach.call(body.rows, function (row, i) { row.mbOriginal = i; });

    function firstDirection(th) {
      return th.getAttribute("data-first") === "descending" ? "descending" : "ascending";
    }

    function sortBy(index, direction, remember) {
      var th = headers[index];
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", direction);
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (r1, r2) {
        var a = cellValue(r1, index);
        var b = cellValue(r2, index);
        var result;
        if (a === null || b === null) result = (a === null ? 1 : 0) - (b === null ? 1 : 0);
        else result = direction === "descending" ? -compare(a, b) : compare(a, b);
        return result || r1.mbOriginal - r2.mbOriginal;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      if (orderText) {
        orderText.textContent = "sorterade efter " + labels[index].toLocaleLowerCase("sv") + ", " + ORDER_WORDS[direction];
      }
      if (inUrl && remember) {
        writeParams({
          sortera: th.getAttribute("data-key") || "",
          ordning: direction === firstDirection(th) ? "" : ORDER_WORDS[direction]
        });
      }
    }

    Array.prototype.forEach.call(headers, function (th, index) {
      labels[index] = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var direction = current ? (current === "ascending" ? "descending" : "ascending") : firstDirection(th);
        sortBy(index, direction, true);
      });
    });

    if (inUrl) {
      var query = params();
      var key = query.get("sortera");
      var index = Array.prototype.findIndex.call(headers, function (th) { return key && th.getAttribute("data-key") === key; });
      if (index !== -1) sortBy(index, ORDER_FROM_WORD[query.get("ordning")] || firstDirection(headers[index]), false);
    }
  }

  /* One-click views of a table: buttons with data-vy, rows listing the views
     they belong to in data-vyer (a button with an empty data-vy shows all). */
  function makeView(box) {
    var table = document.getElementById(box.getAttribute("data-mb-vy"));
    if (!table) return;
    var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-vy]"));
    var status = box.querySelector(".mb-antal");
    var noun = box.getAttribute("data-substantiv") || "rader";
    var inUrl = table.hasAttribute("data-url-state");

    function show(view, remember) {
      var chosen = buttons.filter(function (b) { return b.getAttribute("data-vy") === view; })[0];
      if (!chosen) { view = ""; chosen = buttons.filter(function (b) { return !b.getAttribute("data-vy"); })[0]; }
      var rows = table.tBodies[0].rows;
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var visible = !view || (row.getAttribute("data-vyer") || "").split(" ").indexOf(view) !== -1;
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === chosen ? "true" : "false"); });
      if (status) {
        var about = view && chosen ? chosen.getAttribute("data-beskrivning") : "";
        status.textContent = shown + " av " + rows.length + " " + noun + " visas" + (about ? ": " + about : "");
      }
      if (inUrl && remember) writeParams({visa: view});
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () { show(button.getAttribute("data-vy"), true); });
    });
    box.hidden = false;
    show(inUrl ? params().get("visa") || "" : "", false);
  }

  /* A filter form over a table's rows: each select keeps the rows whose
     data-<name> lists its value. With data-mb-url the choices live in the
     address (?kategori=…&malgrupp=…), so that a filtered view can be shared. */
  function makeFilter(form) {
    var table = document.getElementById(form.getAttribute("data-mb-filter"));
    if (!table) return;
    var output = form.querySelector("output");
    var inUrl = form.hasAttribute("data-mb-url");
    form.hidden = false;
    if (inUrl) {
      var query = params();
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
        var wanted = query.get(select.name);
        var known = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
        if (wanted && known) select.value = wanted;
      });
    }
    function remember() {
      var changes = {};
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
        changes[select.name] = select.value;
      });
      writeParams(changes);
    }
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
    form.addEventListener("change", function () {
      apply();
      if (inUrl) remember();
    });
    apply();
  }

  /* "Skriv ut" on the reports: the browser's print dialog (which also saves a PDF). */
  function makePrintButton(button) {
    button.addEventListener("click", function () { window.print(); });
    var holder = button.closest("[hidden]");
    if (holder) holder.hidden = false;
  }

  function init() {
    document.querySelectorAll("table.mb-sorterbar").forEach(makeSortable);
    document.querySelectorAll("[data-mb-vy]").forEach(makeView);
    document.querySelectorAll("form[data-mb-filter]").forEach(makeFilter);
    document.querySelectorAll("button[data-mb-skriv-ut]").forEach(makePrintButton);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
