/* zonedata site: sorting, filtering and paging of table pages, search, passage highlighting and copy
   buttons. Plain JavaScript with no dependency; data comes as script files (zdShard, zdSearch) because
   browsers refuse fetch() from file://. Every value is inserted with textContent, never as HTML. */
(function () {
  "use strict";
  var base = document.body.getAttribute("data-base") || "";
  var shards = {};
  var searchShards = {};
  window.zdShard = function (table, k, rows) { shards[table + "/" + k] = rows; };
  window.zdSearch = function (k, entries) { searchShards[k] = entries; };

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base + src;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  /* exact decimals: 70100000000.000000 -> 70,100,000,000 (strings only, never binary floats) */
  function formatNumber(s) {
    var m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(s);
    if (!m) { return s; }
    var frac = (m[3] || "").replace(/0+$/, "");
    var int = m[2].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return m[1] + int + (frac ? "." + frac : "");
  }
  function compareAbs(a, b) {
    var pa = a.split("."), pb = b.split(".");
    var ia = pa[0].replace(/^0+(?=\d)/, ""), ib = pb[0].replace(/^0+(?=\d)/, "");
    if (ia.length !== ib.length) { return ia.length < ib.length ? -1 : 1; }
    if (ia !== ib) { return ia < ib ? -1 : 1; }
    var fa = pa[1] || "", fb = pb[1] || "";
    while (fa.length < fb.length) { fa += "0"; }
    while (fb.length < fa.length) { fb += "0"; }
    return fa < fb ? -1 : fa > fb ? 1 : 0;
  }
  function compareDecimal(a, b) {
    a = a.replace(/^\+/, ""); b = b.replace(/^\+/, "");
    var na = a.charAt(0) === "-", nb = b.charAt(0) === "-";
    if (na !== nb) { return na ? -1 : 1; }
    var r = compareAbs(na ? a.slice(1) : a, nb ? b.slice(1) : b);
    return na ? -r : r;
  }
  var UNITS = { m2: "m\u00b2", km2: "km\u00b2" };

  function cellText(v) {
    if (v === null || v === undefined) { return ""; }
    if (Array.isArray(v)) { return v.map(cellText).join(", "); }
    if (typeof v === "object") { return v.v; }
    return String(v);
  }

  /* ---- table pages ---- */
  function initTable(meta) {
    var columns = [];
    meta.values.forEach(function (g) {
      columns.push({ title: g.title + " (as written, normalised)", virtual: g, type: "number", name: "" });
    });
    meta.columns.forEach(function (c, i) {
      columns.push({ title: c.title, name: c.name, type: c.type, key: c.key, index: i + 1 });
    });
    var params = new URLSearchParams(window.location.search);
    var state = { sort: -1, dir: 1, filter: "", col: "", eq: null, page: 0 };
    var filterInput = document.getElementById("filter");
    var colSelect = document.getElementById("filter-col");
    var status = document.getElementById("status");
    var tbody = document.querySelector("#records tbody");
    var thead = document.querySelector("#records thead");
    var all = null;
    var textCache = null;

    if (params.get("col")) { state.col = params.get("col"); colSelect.value = state.col; }
    if (params.get("eq") !== null) { state.eq = params.get("eq"); filterInput.value = state.eq; }
    else if (params.get("q")) { state.filter = params.get("q"); filterInput.value = state.filter; }

    function sortKey(row, c) {
      if (c.virtual) { return row[c.virtual.normalised + 1]; }
      var v = row[c.index];
      return v === null || v === undefined ? null : cellText(v);
    }

    var headRow = el("tr");
    columns.forEach(function (c, ci) {
      var th = el("th");
      th.scope = "col";
      var b = el("button", "sort", c.title);
      b.type = "button";
      b.title = "Sort by " + c.title;
      b.addEventListener("click", function () {
        if (state.sort === ci) { state.dir = -state.dir; } else { state.sort = ci; state.dir = 1; }
        state.page = 0;
        update();
      });
      th.appendChild(b);
      if (c.name) { th.appendChild(el("code", "colname", c.name)); }
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);

    function loadShard(k) {
      var key = meta.table + "/" + k;
      if (shards[key]) { return Promise.resolve(shards[key]); }
      return loadScript(meta.shards[k]).then(function () { return shards[key]; });
    }
    function loadAll() {
      if (all) { return Promise.resolve(all); }
      var chain = Promise.resolve();
      meta.shards.forEach(function (_, k) {
        chain = chain.then(function () {
          status.textContent = "Loading " + meta.table + ": part " + (k + 1) + " of " + meta.shards.length + "\u2026";
          return loadShard(k);
        });
      });
      return chain.then(function () {
        all = [];
        meta.shards.forEach(function (_, k) { all = all.concat(shards[meta.table + "/" + k]); });
        return all;
      });
    }
    function rowText(row, colName) {
      if (colName) {
        var i = meta.columns.findIndex(function (c) { return c.name === colName; });
        return i < 0 ? "" : cellText(row[i + 1]);
      }
      return row.slice(1).map(cellText).join("\u0001");
    }
    function view(rows) {
      var out = rows.map(function (r, i) { return i; });
      if (state.eq !== null) {
        out = out.filter(function (i) { return rowText(rows[i], state.col) === state.eq; });
      } else if (state.filter) {
        var words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
        if (!state.col && !textCache) { textCache = rows.map(function (r) { return rowText(r, "").toLowerCase(); }); }
        out = out.filter(function (i) {
          var t = state.col ? rowText(rows[i], state.col).toLowerCase() : textCache[i];
          return words.every(function (w) { return t.indexOf(w) >= 0; });
        });
      }
      if (state.sort >= 0) {
        var c = columns[state.sort];
        var numeric = c.type === "number" || c.type === "integer";
        out.sort(function (a, b) {
          var x = sortKey(rows[a], c), y = sortKey(rows[b], c);
          if (x === null || x === "") { return (y === null || y === "") ? a - b : 1; }
          if (y === null || y === "") { return -1; }
          var r = numeric ? compareDecimal(x, y) : (x < y ? -1 : x > y ? 1 : 0);
          return r * state.dir || a - b;
        });
      }
      return out.map(function (i) { return rows[i]; });
    }
    function renderCell(td, v, href) {
      if (v === null || v === undefined) { td.className = "empty"; return; }
      if (Array.isArray(v)) {
        v.forEach(function (x, i) { if (i) { td.appendChild(document.createTextNode(", ")); } renderCell(td, x); });
        return;
      }
      if (typeof v === "object") { href = v.h; v = v.v; }
      if (href) {
        var a = el("a", null, v);
        a.href = base + href;
        td.appendChild(a);
      } else {
        td.appendChild(document.createTextNode(v));
      }
    }
    function renderRows(rows, total, first) {
      tbody.textContent = "";
      rows.forEach(function (row) {
        var tr = el("tr");
        columns.forEach(function (c) {
          var td = el("td");
          if (c.virtual) {
            var g = c.virtual;
            var text = row[g.text + 1], q = g.qualifier === null ? null : row[g.qualifier + 1];
            var n = row[g.normalised + 1], u = g.unit === null ? null : row[g.unit + 1];
            if (text !== null) { td.appendChild(el("span", "as-written", text)); }
            if (q) { td.appendChild(document.createTextNode(" ")); td.appendChild(el("span", "badge qualifier", q)); }
            if (n !== null) {
              td.appendChild(el("span", "arrow", " \u2192 "));
              td.appendChild(el("span", "normalised", formatNumber(n) + (u ? " " + (UNITS[u] || u) : "")));
            }
          } else if (c.type === "number" || c.type === "integer") {
            td.className = "num";
            renderCell(td, row[c.index] === null ? null : formatNumber(cellText(row[c.index])), c.key ? row[0] : null);
          } else {
            renderCell(td, row[c.index], c.key ? row[0] : null);
          }
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      var last = first + rows.length;
      var filtered = state.filter || state.eq !== null;
      status.textContent = total === 0 ? "No records match." :
        "Showing " + (first + 1).toLocaleString("en") + "\u2013" + last.toLocaleString("en") + " of " +
        total.toLocaleString("en") + (filtered ? " matching records (" + meta.rows.toLocaleString("en") + " in all)" : " records") + ".";
      var pages = Math.max(1, Math.ceil(total / meta.pageRows));
      document.getElementById("page-info").textContent = "Page " + (state.page + 1) + " of " + pages;
      document.getElementById("prev").disabled = state.page === 0;
      document.getElementById("next").disabled = state.page >= pages - 1;
      thead.querySelectorAll("th").forEach(function (th, i) {
        if (i === state.sort) { th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending"); }
        else { th.removeAttribute("aria-sort"); }
      });
    }
    function update() {
      var first = state.page * meta.pageRows;
      if (meta.rows === 0) { renderRows([], 0, 0); return; }
      if (!all && state.sort < 0 && !state.filter && state.eq === null) {
        var k = Math.floor(first / meta.shardSize);
        loadShard(k).then(function (rows) {
          var lo = first - k * meta.shardSize;
          renderRows(rows.slice(lo, lo + meta.pageRows), meta.rows, first);
        }).catch(function (e) { status.textContent = e.message; });
        return;
      }
      loadAll().then(function (rows) {
        var v = view(rows);
        if (first >= v.length) { state.page = 0; first = 0; }
        renderRows(v.slice(first, first + meta.pageRows), v.length, first);
      }).catch(function (e) { status.textContent = e.message; });
    }
    var timer = null;
    filterInput.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.filter = filterInput.value.trim(); state.eq = null; state.page = 0; update(); }, 150);
    });
    colSelect.addEventListener("change", function () { state.col = colSelect.value; state.eq = null; state.filter = filterInput.value.trim(); state.page = 0; update(); });
    document.getElementById("prev").addEventListener("click", function () { if (state.page > 0) { state.page -= 1; update(); } });
    document.getElementById("next").addEventListener("click", function () { state.page += 1; update(); });
    update();
  }

  /* ---- search ---- */
  function initSearch(meta) {
    var params = new URLSearchParams(window.location.search);
    var q = (params.get("q") || "").trim();
    var input = document.getElementById("search-q");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    input.value = q;
    document.getElementById("site-search").value = q;
    if (!q) { status.textContent = "Type a name, a label or a word of one."; return; }
    status.textContent = "Searching\u2026";
    var chain = Promise.resolve();
    meta.shards.forEach(function (src) { chain = chain.then(function () { return loadScript(src); }); });
    chain.then(function () {
      var words = q.toLowerCase().split(/\s+/).filter(Boolean);
      var hits = [];
      meta.shards.forEach(function (_, k) {
        (searchShards[k] || []).forEach(function (e) {
          var t = e[0].toLowerCase();
          if (words.every(function (w) { return t.indexOf(w) >= 0; })) { hits.push(e); }
        });
      });
      var shown = hits.slice(0, 200);
      shown.forEach(function (e) {
        var li = el("li");
        var a = el("a", null, e[1]);
        a.href = base + e[3];
        li.appendChild(a);
        li.appendChild(el("span", "result-table", " \u2014 " + e[2]));
        list.appendChild(li);
      });
      status.textContent = hits.length === 0 ? "Nothing found for \u201c" + q + "\u201d." :
        hits.length + " record" + (hits.length === 1 ? "" : "s") + " found for \u201c" + q + "\u201d" +
        (hits.length > shown.length ? "; the first " + shown.length + " are shown." : ".");
    }).catch(function (e) { status.textContent = e.message; });
  }

  /* ---- source pages: the passage a link points at ---- */
  function markCurrent() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    document.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
    if (id.indexOf("q-") !== 0) { return; }
    document.querySelectorAll("mark[data-p]").forEach(function (m) {
      if (m.getAttribute("data-p").split(" ").indexOf(id) >= 0) { m.classList.add("current"); }
    });
  }

  /* ---- record pages: a field's description (from the page's data dictionary) under its value ---- */
  function toggleDescription(a, show) {
    var entry = document.getElementById(a.getAttribute("href").slice(1));
    var dd = a.parentNode.nextElementSibling;
    if (!entry || !dd) { return; }
    var open = dd.nextElementSibling;
    var isOpen = open !== null && open.classList.contains("fdesc");
    if (show === undefined) { show = !isOpen; }
    if (show && !isOpen) {
      dd.parentNode.insertBefore(el("dd", "fdesc", entry.querySelector("dd").textContent), dd.nextSibling);
    } else if (!show && isOpen) {
      open.remove();
    }
    a.setAttribute("aria-expanded", show ? "true" : "false");
  }
  function initFieldDescriptions() {
    var links = document.querySelectorAll("dl.fields > dt > a[href^='#field-']");
    links.forEach(function (a) {
      a.setAttribute("aria-expanded", "false");
      a.addEventListener("click", function (ev) { ev.preventDefault(); toggleDescription(a); });
    });
    document.querySelectorAll("button.show-descriptions").forEach(function (b) {
      b.hidden = links.length === 0;
      b.addEventListener("click", function () {
        var show = b.getAttribute("aria-pressed") !== "true";
        links.forEach(function (a) { toggleDescription(a, show); });
        b.setAttribute("aria-pressed", show ? "true" : "false");
        b.textContent = show ? "Hide field descriptions" : "Show field descriptions";
      });
    });
  }

  /* ---- copy buttons ---- */
  function initCopy() {
    document.querySelectorAll("button.copy").forEach(function (b) {
      b.addEventListener("click", function () {
        var text = document.getElementById(b.getAttribute("data-copy")).textContent;
        var done = function () { var old = b.textContent; b.textContent = "Copied"; setTimeout(function () { b.textContent = old; }, 1500); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
        } else { fallback(text); done(); }
      });
    });
    function fallback(text) {
      var t = el("textarea");
      t.value = text;
      document.body.appendChild(t);
      t.select();
      try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
      t.remove();
    }
  }

  var tableMeta = document.getElementById("table-meta");
  if (tableMeta) { initTable(JSON.parse(tableMeta.textContent)); }
  var searchMeta = document.getElementById("search-meta");
  if (searchMeta) { initSearch(JSON.parse(searchMeta.textContent)); }
  if (document.querySelector("mark[data-p]")) { markCurrent(); window.addEventListener("hashchange", markCurrent); }
  initFieldDescriptions();
  initCopy();
})();
