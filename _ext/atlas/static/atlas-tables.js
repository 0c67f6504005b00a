// Atlas tables: click a header to sort, type in the box to filter rows. A table with facet
// columns (class atlas-facet-N) also gets a select box per facet; its filters live in the
// page's URL (?category=dns&year=2021&q=…), so a filtered view can be shared.
(function () {
  "use strict";
  var DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }
  function seconds(text) {
    var m = text ? DURATION.exec(text) : null;
    if (!m || !text) return NaN;
    return (+m[1] || 0) * 86400 + (+m[2] || 0) * 3600 + (+m[3] || 0) * 60 + (+m[4] || 0);
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) return x - y;
    var dx = seconds(a), dy = seconds(b);
    if (!isNaN(dx) && !isNaN(dy)) return dx - dy;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }
  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }
  function values(row, index) {
    return cellText(row, index).split(/,\s*/).filter(Boolean);
  }
  function facetColumns(table) {
    var found = [];
    table.classList.forEach(function (name) {
      var m = /^atlas-facet-(\d+)$/.exec(name);
      if (m) found.push(+m[1]);
    });
    return found;
  }
  function makeFacets(table, body, apply, params) {
    var bar = document.createElement("div");
    bar.className = "atlas-facets";
    var facets = facetColumns(table).map(function (index) {
      var header = cellText(table.tHead.rows[0], index);
      var name = slug(header);
      var label = document.createElement("label");
      label.textContent = header + " ";
      var select = document.createElement("select");
      select.name = name;
      select.className = "atlas-facet";
      var seen = {};
      Array.prototype.forEach.call(body.rows, function (row) {
        values(row, index).forEach(function (v) { seen[v] = (seen[v] || 0) + 1; });
      });
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "all";
      select.appendChild(all);
      Object.keys(seen).sort(compare).forEach(function (v) {
        var option = document.createElement("option");
        option.value = v;
        option.textContent = v + " (" + seen[v] + ")";
        select.appendChild(option);
      });
      if (params.has(name) && seen[params.get(name)]) select.value = params.get(name);
      select.addEventListener("change", apply);
      label.appendChild(select);
      bar.appendChild(label);
      return { index: index, name: name, select: select };
    });
    table.parentNode.insertBefore(bar, table);
    return facets;
  }
  function enhance(table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) return;
    var faceted = table.classList.contains("atlas-faceted");
    var params = new URLSearchParams(location.search);
    var filter = document.createElement("input");
    filter.type = "search";
    filter.placeholder = "Filter rows…";
    filter.className = "atlas-filter";
    filter.setAttribute("aria-label", "Filter the rows of this table");
    if (faceted && params.has("q")) filter.value = params.get("q");
    table.parentNode.insertBefore(filter, table);
    var status = document.createElement("p");
    status.className = "atlas-filter-count";
    status.setAttribute("role", "status");
    var facets = [];
    function apply() {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = row.textContent.toLowerCase();
        var visible = words.every(function (w) { return text.indexOf(w) !== -1; }) &&
          facets.every(function (f) {
            return !f.select.value || values(row, f.index).indexOf(f.select.value) !== -1;
          });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (!faceted) return;
      status.textContent = shown + " of " + body.rows.length + " rows";
      var query = new URLSearchParams();
      facets.forEach(function (f) { if (f.select.value) query.set(f.name, f.select.value); });
      if (filter.value) query.set("q", filter.value);
      var search = query.toString();
      history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
    }
    if (faceted) {
      facets = makeFacets(table, body, apply, params);
      table.parentNode.insertBefore(status, table);
    }
    filter.addEventListener("input", apply);
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
      header.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
    if (faceted) apply();
  }
  document.querySelectorAll("table.atlas-sortable").forEach(enhance);
})();
