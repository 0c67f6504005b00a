// Atlas reviewer tables: click a header to sort, type in the box to filter rows.
(function () {
  "use strict";
  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }
  function enhance(table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) return;
    var filter = document.createElement("input");
    filter.type = "search";
    filter.placeholder = "Filter rows…";
    filter.className = "atlas-filter";
    filter.setAttribute("aria-label", "Filter the rows of this table");
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
    table.parentNode.insertBefore(filter, table);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      header.tabIndex = 0;
      header.setAttribute("aria-sort", "none");
      header.classList.add("atlas-sort");
      function sort() {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var order = compare(cellText(a, index), cellText(b, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
          h.setAttribute("aria-sort", "none");
        });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }
  document.querySelectorAll("table.atlas-sortable").forEach(enhance);
})();
