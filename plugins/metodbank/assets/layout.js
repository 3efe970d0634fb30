/* Metodbanken: tables that fit the page (issue 15).

   A table that is wider than the text column is never scrolled sideways:
   its rows are laid out one under the other instead, each cell labelled
   with its column's heading (layout.css, table[data-mb-staplad]). Which
   tables need it is measured, not guessed from the screen width: a
   two-column table stays a table on a phone, a wide one becomes stacked
   rows even on a desktop when it does not fit.

   The labels are copied as text from each column's <th> into the cells'
   data-label; the table keeps its semantics through explicit ARIA roles,
   since some browsers drop them when a table's display changes. Without
   JavaScript every table stays a plain table. */
(function () {
  "use strict";

  var STACKED = "data-mb-staplad";
  var TITLE = "data-mb-rubrik";
  var ROLES = {TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell"};

  function article() {
    return document.querySelector("article.md-content__inner") || document.querySelector(".md-content__inner");
  }

  function tables(root) {
    return Array.prototype.filter.call(root.querySelectorAll("table"), function (table) {
      // Line-numbered code blocks are tables too: they scroll like code.
      return !table.closest(".highlight, .highlighttable, pre") && table.tHead && table.tHead.rows.length === 1;
    });
  }

  function headingText(th) {
    return (th.textContent || "").replace(/\u00ad/g, "").replace(/\s+/g, " ").trim();
  }

  function startsWithLink(cell) {
    var first = cell.firstChild;
    while (first && first.nodeType === 3 && !first.textContent.trim()) first = first.nextSibling;
    return !!first && first.nodeType === 1 && (first.tagName === "A" || (first.tagName === "STRONG" && first.firstElementChild
      && first.firstElementChild.tagName === "A"));
  }

  /* The cell that names the row, shown first as its title: the row's
     heading, else one of its first two cells when it starts with a link
     (a project's or a systemfel's title after its rank). */
  function titleCell(row) {
    var cells = Array.prototype.slice.call(row.cells);
    var heading = cells.filter(function (cell) { return cell.tagName === "TH"; })[0];
    return heading || cells.slice(0, 2).filter(startsWithLink)[0] || null;
  }

  /* data-label on every cell (its column's heading), ARIA roles and each
     row's title cell. */
  function label(table) {
    if (table.hasAttribute("data-mb-etiketter")) return;
    table.setAttribute("data-mb-etiketter", "");
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, headingText);
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      if (group.closest("table") === table) group.setAttribute("role", ROLES[group.tagName]);
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      var inHead = row.parentNode === table.tHead;
      var title = inHead ? null : titleCell(row);
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var text = heads[column] || "";
        column += cell.colSpan || 1;
        if (cell.tagName === "TH") cell.setAttribute("role", inHead ? "columnheader" : "rowheader");
        else cell.setAttribute("role", "cell");
        if (inHead) return;
        if (cell === title) cell.setAttribute(TITLE, "");
        else if (text) cell.setAttribute("data-label", text);
      });
    });
  }

  function box(table) {
    // The element whose width the table must keep within: its own parent
    // (a scroll wrapper counts as the limit, it is not a way out of it).
    return table.parentElement;
  }

  /* One pass: every table as a table, measured, then the ones that do not
     fit stacked. Reads and writes are batched (two layouts in all). */
  function fit() {
    var root = article();
    if (!root) return;
    var list = tables(root);
    list.forEach(function (table) { table.removeAttribute(STACKED); });
    var limit = root.getBoundingClientRect();
    var wide = list.filter(function (table) {
      if (!table.getClientRects().length) return false;  // not shown: nothing to fit
      var rect = table.getBoundingClientRect();
      var width = Math.max(table.scrollWidth, rect.width);
      return width > box(table).clientWidth + 1 || rect.right > limit.right + 1 || rect.left < limit.left - 1;
    });
    wide.forEach(function (table) {
      label(table);
      table.setAttribute(STACKED, "");
    });
  }

  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fit();
    });
  }

  function init() {
    var root = article();
    if (!root) return;
    fit();
    if (window.ResizeObserver) {
      var width = root.clientWidth;
      new ResizeObserver(function () {
        if (root.clientWidth !== width) {
          width = root.clientWidth;
          later();
        }
      }).observe(root);
    } else {
      window.addEventListener("resize", later);
    }
    // A table inside a <details> is measured when it is opened.
    document.addEventListener("toggle", later, true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
