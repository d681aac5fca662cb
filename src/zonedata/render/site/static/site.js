/* zonedata site: columns, facets, filters, sorting, paging and downloads of table pages, search, passage highlighting and copy
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

  /* ---- table pages: columns, facets, filters, sorting, paging and downloads, all kept in the URL ---- */
  function initTable(meta) {
    var nFields = meta.columns.length;
    var catalogue = [];
    meta.virtual.forEach(function (v) { catalogue.push(Object.assign({ virtual: true }, v)); });
    meta.columns.forEach(function (c, i) { catalogue.push(Object.assign({ kind: "field", index: i + 1 }, c)); });
    var byName = Object.create(null);  /* no prototype: a URL naming "__proto__" finds nothing */
    catalogue.forEach(function (c) { byName[c.name] = c; });
    var order = meta.defaults.slice();
    meta.columns.forEach(function (c) { if (order.indexOf(c.name) < 0) { order.push(c.name); } });
    meta.virtual.forEach(function (v) { if (order.indexOf(v.name) < 0) { order.push(v.name); } });
    var facetNames = meta.facets.map(function (f) { return f.name; });

    var filterInput = document.getElementById("filter");
    var status = document.getElementById("status");
    var table = document.getElementById("records");
    var tbody = table.querySelector("tbody");
    var thead = table.querySelector("thead");
    var facetsBox = document.getElementById("facets");
    var chooser = document.getElementById("columns");
    var all = null;
    var lastView = null;
    var state;
    var headerFor = "";
    var lastTyping = "";
    var expanded = Object.create(null);

    /* ---- the URL: q, f.<column> (repeated), q.<column>, sort, cols, page ---- */
    function readURL() {
      var params = new URLSearchParams(window.location.search);
      var s = { q: "", f: Object.create(null), cq: Object.create(null), sort: "", dir: 1, cols: null, page: 0 };
      params.forEach(function (value, key) {
        if (key === "q") { s.q = value; }
        else if (key.indexOf("f.") === 0 && byName[key.slice(2)]) { (s.f[key.slice(2)] = s.f[key.slice(2)] || []).push(value); }
        else if (key.indexOf("q.") === 0 && byName[key.slice(2)]) { s.cq[key.slice(2)] = value; }
        else if (key === "sort") {
          var desc = value.charAt(0) === "-";
          if (byName[desc ? value.slice(1) : value]) { s.sort = desc ? value.slice(1) : value; s.dir = desc ? -1 : 1; }
        }
        else if (key === "cols") {
          s.cols = value.split(",").filter(function (n) { return byName[n]; });
          if (!s.cols.length) { s.cols = null; }  /* no known column: the default ones */
        }
        else if (key === "page") { s.page = Math.max(0, (parseInt(value, 10) || 1) - 1); }
      });
      /* links from record pages written before facets: ?col=field&eq=value */
      if (params.get("col") && byName[params.get("col")] && params.get("eq") !== null) {
        (s.f[params.get("col")] = s.f[params.get("col")] || []).push(params.get("eq"));
      }
      return s;
    }
    function writeURL(push) {
      var params = new URLSearchParams();
      if (state.q) { params.append("q", state.q); }
      Object.keys(state.f).forEach(function (n) { state.f[n].forEach(function (v) { params.append("f." + n, v); }); });
      Object.keys(state.cq).forEach(function (n) { if (state.cq[n]) { params.append("q." + n, state.cq[n]); } });
      if (state.sort) { params.append("sort", (state.dir < 0 ? "-" : "") + state.sort); }
      if (state.cols) { params.append("cols", state.cols.join(",")); }
      if (state.page) { params.append("page", String(state.page + 1)); }
      var qs = params.toString();
      var url = window.location.pathname + (qs ? "?" + qs : "") + window.location.hash;
      if (url === window.location.pathname + window.location.search + window.location.hash) { return; }
      if (push) { history.pushState(null, "", url); } else { history.replaceState(null, "", url); }
    }
    function shownColumns() {
      var names = state.cols || meta.defaults;
      return order.filter(function (n) { return names.indexOf(n) >= 0; }).map(function (n) { return byName[n]; });
    }
    function filtered() {
      return !!state.q || Object.keys(state.f).length > 0 || Object.keys(state.cq).some(function (n) { return state.cq[n]; });
    }

    /* ---- what a row holds ---- */
    function refText(v) {
      if (v === null || v === undefined) { return ""; }
      if (Array.isArray(v)) { return v.map(refText).join(", "); }
      if (typeof v === "object") { return v.t ? v.t + " " + v.v : v.v; }
      return String(v);
    }
    function rawValues(row, name) {
      var v = name === "~sources" ? row[nFields + 1] : row[byName[name].index];
      if (v === null || v === undefined) { return []; }
      return (Array.isArray(v) ? v : [v]).map(function (x) { return typeof x === "object" && x !== null ? x.v : String(x); });
    }
    function colText(row, c) {
      switch (c.kind) {
        case "written": return (row[c.text + 1] || "") + (c.qualifier === null ? "" : " " + (row[c.qualifier + 1] || ""));
        case "normalised": return (row[c.normalised + 1] || "") + (c.unit === null ? "" : " " + (row[c.unit + 1] || ""));
        case "period": return (row[c.start + 1] || "") + " " + (row[c.end + 1] || "");
        case "sources": return refText(row[nFields + 1]);
        default: return refText(row[c.index]);
      }
    }
    function sortKey(row, c) {
      var v;
      switch (c.kind) {
        case "written": v = row[c.text + 1]; break;
        case "normalised": v = row[c.normalised + 1]; break;
        case "period": v = row[c.start + 1] || row[c.end + 1]; break;
        case "sources": v = refText(row[nFields + 1]); break;
        default:
          v = row[c.index];
          if (Array.isArray(v)) { v = refText(v); } else if (v !== null && typeof v === "object") { v = v.t || v.v; }
      }
      return v === null || v === undefined || v === "" ? null : String(v);
    }
    function matches(row, i, skipFacet) {
      var names = Object.keys(state.f);
      for (var k = 0; k < names.length; k++) {
        if (names[k] === skipFacet) { continue; }
        var want = state.f[names[k]], have = rawValues(row, names[k]);
        if (!want.some(function (w) { return have.indexOf(w) >= 0; })) { return false; }
      }
      var cq = Object.keys(state.cq);
      for (k = 0; k < cq.length; k++) {
        var text = state.cq[cq[k]].toLowerCase();
        if (text && colText(row, byName[cq[k]]).toLowerCase().indexOf(text) < 0) { return false; }
      }
      if (state.q) {
        var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
        var t = textCache[i];
        if (!words.every(function (w) { return t.indexOf(w) >= 0; })) { return false; }
      }
      return true;
    }
    var textCache = null;
    function view(rows) {
      if (state.q && !textCache) {
        textCache = rows.map(function (r) { return catalogue.map(function (c) { return colText(r, c); }).join("\u0001").toLowerCase(); });
      }
      var out = [];
      for (var i = 0; i < rows.length; i++) { if (matches(rows[i], i, null)) { out.push(i); } }
      if (state.sort && byName[state.sort]) {
        var c = byName[state.sort];
        var numeric = c.type === "number" || c.type === "integer";
        out.sort(function (a, b) {
          var x = sortKey(rows[a], c), y = sortKey(rows[b], c);
          if (x === null) { return y === null ? a - b : 1; }
          if (y === null) { return -1; }
          var r = numeric ? compareDecimal(x, y) : (x < y ? -1 : x > y ? 1 : 0);
          return r * state.dir || a - b;
        });
      }
      return out;
    }

    /* ---- data ---- */
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

    /* ---- header: sort buttons and a filter per column ---- */
    function renderHeader() {
      var cols = shownColumns();
      var names = cols.map(function (c) { return c.name; }).join(",");
      if (names !== headerFor) {
        headerFor = names;
        thead.textContent = "";
        var tr = el("tr"), fr = el("tr", "col-filters");
        cols.forEach(function (c, ci) {
          var th = el("th");
          th.scope = "col";
          if (ci === 0) { th.className = "sticky"; }
          if (c.type === "number" || c.type === "integer") { th.classList.add("num"); }
          var b = el("button", "sort", c.title);
          b.type = "button";
          b.setAttribute("data-col", c.name);
          b.addEventListener("click", function () {
            if (state.sort === c.name) { state.dir = -state.dir; } else { state.sort = c.name; state.dir = 1; }
            state.page = 0;
            commit(true);
          });
          th.appendChild(b);
          if (!c.virtual) { th.appendChild(el("code", "colname", c.name)); }
          tr.appendChild(th);
          var fh = el("td");
          if (ci === 0) { fh.className = "sticky"; }
          var input = el("input");
          input.type = "search";
          input.setAttribute("data-col", c.name);
          input.setAttribute("aria-label", "Filter " + c.title);
          input.placeholder = "filter";
          input.addEventListener("input", typing(function () { state.cq[c.name] = input.value.trim(); if (!state.cq[c.name]) { delete state.cq[c.name]; } }, "c:" + c.name));
          fh.appendChild(input);
          fr.appendChild(fh);
        });
        thead.appendChild(tr);
        thead.appendChild(fr);
      }
      thead.querySelectorAll("tr.col-filters input").forEach(function (input) {
        var v = state.cq[input.getAttribute("data-col")] || "";
        if (input.value !== v && document.activeElement !== input) { input.value = v; }
      });
      thead.querySelectorAll("tr:first-child th").forEach(function (th) {
        var name = th.querySelector("button").getAttribute("data-col");
        if (name === state.sort) { th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending"); }
        else { th.removeAttribute("aria-sort"); }
      });
    }

    /* ---- cells ---- */
    function addRef(td, v, href) {
      if (typeof v === "object" && v !== null) {
        var a = el("a", null, v.t || v.v);
        a.href = base + v.h;
        if (v.t) { a.title = v.v; }
        td.appendChild(a);
      } else if (href) {
        var k = el("a", null, v);
        k.href = base + href;
        td.appendChild(k);
      } else {
        td.appendChild(document.createTextNode(v));
      }
    }
    function fillCell(box, row, c) {
      var v;
      if (c.kind === "written") {
        var text = row[c.text + 1], q = c.qualifier === null ? null : row[c.qualifier + 1];
        if (text !== null) { box.appendChild(el("span", "as-written", text)); }
        if (q) { box.appendChild(document.createTextNode(" ")); box.appendChild(el("span", "badge qualifier", q)); }
        return text !== null;
      }
      if (c.kind === "normalised") {
        var n = row[c.normalised + 1], u = c.unit === null ? null : row[c.unit + 1];
        if (n === null) { return false; }
        box.appendChild(el("span", "normalised", u === "year" ? n.replace(/\.0*$/, "") : formatNumber(n)));
        if (u) { box.appendChild(el("span", "unit", " " + (UNITS[u] || u))); }
        return true;
      }
      if (c.kind === "period") {
        var a = row[c.start + 1], b = row[c.end + 1];
        if (!a && !b) { return false; }
        box.appendChild(document.createTextNode(a === b || !b ? a : !a ? b : a + " \u2013 " + b));
        return true;
      }
      v = c.kind === "sources" ? row[nFields + 1] : row[c.index];
      if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) { return false; }
      if (c.type === "number" || c.type === "integer") { v = formatNumber(String(v)); }
      if (Array.isArray(v)) {
        v.forEach(function (x, i) { if (i) { box.appendChild(document.createTextNode(c.kind === "sources" ? "; " : ", ")); } addRef(box, x); });
      } else {
        addRef(box, v, c.key ? row[0] : null);
      }
      return true;
    }
    function renderRows(rows, total, first) {
      var cols = shownColumns();
      tbody.textContent = "";
      rows.forEach(function (row) {
        var tr = el("tr");
        cols.forEach(function (c, ci) {
          var td = el("td");
          if (ci === 0) { td.className = "sticky"; }
          if (c.type === "number" || c.type === "integer") { td.classList.add("num"); }
          var box = el("div", "clip");
          if (!fillCell(box, row, c)) { td.classList.add("empty"); tr.appendChild(td); return; }
          td.appendChild(box);
          var full = box.textContent;
          if (full.length > 36 && !(c.type === "number" || c.type === "integer")) {
            box.title = full;
            var id = row[0] + "|" + c.name;
            var more = el("button", "expand", "\u2026");
            more.type = "button";
            more.setAttribute("aria-label", "Show all of " + c.title);
            more.setAttribute("aria-expanded", expanded[id] ? "true" : "false");
            if (expanded[id]) { td.classList.add("open"); }
            more.addEventListener("click", function () {
              var open = td.classList.toggle("open");
              expanded[id] = open;
              more.setAttribute("aria-expanded", open ? "true" : "false");
              more.setAttribute("aria-label", (open ? "Show less of " : "Show all of ") + c.title);
            });
            td.appendChild(more);
          }
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      var last = first + rows.length;
      status.textContent = total === 0 ? "No records match." :
        "Showing " + (first + 1).toLocaleString("en") + "\u2013" + last.toLocaleString("en") + " of " +
        total.toLocaleString("en") + (filtered() ? " matching records (" + meta.rows.toLocaleString("en") + " in all)" : " records") + ".";
      var pages = Math.max(1, Math.ceil(total / meta.pageRows));
      document.getElementById("page-info").textContent = "Page " + (state.page + 1) + " of " + pages;
      document.getElementById("prev").disabled = state.page === 0;
      document.getElementById("next").disabled = state.page >= pages - 1;
    }

    /* ---- facets ---- */
    function facetCounts(name, rows) {
      var counts = Object.create(null), labels = Object.create(null);
      for (var i = 0; i < rows.length; i++) {
        if (!matches(rows[i], i, name)) { continue; }
        var v = name === "~sources" ? rows[i][nFields + 1] : rows[i][byName[name].index];
        if (v === null || v === undefined) { continue; }
        (Array.isArray(v) ? v : [v]).forEach(function (x) {
          var key = typeof x === "object" && x !== null ? x.v : String(x);
          if (typeof x === "object" && x !== null && x.t) { labels[key] = x.t; }
          counts[key] = (counts[key] || 0) + 1;
        });
      }
      var values = Object.keys(counts).map(function (k) { return labels[k] ? [k, counts[k], labels[k]] : [k, counts[k]]; });
      values.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
      return { values: values, distinct: values.length };
    }
    var facetOpen = {};
    function renderFacets(rows) {
      var focused = document.activeElement && facetsBox.contains(document.activeElement) ? document.activeElement.id : null;
      facetsBox.textContent = "";
      meta.facets.forEach(function (f, fi) {
        var data = rows && (filtered()) ? facetCounts(f.name, rows) : f;
        var chosen = state.f[f.name] || [];
        var c = byName[f.name];
        var group = el("fieldset", "facet");
        group.appendChild(el("legend", null, c.title));
        var list = el("ul");
        var values = data.values.slice();
        chosen.forEach(function (v) { if (!values.some(function (x) { return x[0] === v; })) { values.unshift([v, 0]); } });
        var limit = facetOpen[f.name] ? values.length : 6;
        values.forEach(function (x, k) {
          if (k >= limit && chosen.indexOf(x[0]) < 0) { return; }
          var li = el("li");
          var id = "facet-" + fi + "-" + k;
          var box = el("input");
          box.type = "checkbox";
          box.id = id;
          box.checked = chosen.indexOf(x[0]) >= 0;
          box.addEventListener("change", function () {
            var now = state.f[f.name] || [];
            if (box.checked) { now = now.concat([x[0]]); } else { now = now.filter(function (v) { return v !== x[0]; }); }
            if (now.length) { state.f[f.name] = now; } else { delete state.f[f.name]; }
            state.page = 0;
            commit(true, id);
          });
          var label = el("label", null, x[2] || x[0]);
          label.htmlFor = id;
          if (x[2]) { label.title = x[0]; }
          label.appendChild(el("span", "count", " " + x[1].toLocaleString("en")));
          li.appendChild(box);
          li.appendChild(label);
          list.appendChild(li);
        });
        group.appendChild(list);
        if (values.length > 6) {
          /* the page lists the most frequent values (FACET_VALUES) until a filter loads the rows: say so */
          var every = data.values.length >= data.distinct;
          var more = el("button", "facet-more", facetOpen[f.name] ? "Fewer values" : (every ? "All " : "The " + data.values.length.toLocaleString("en") + " most frequent of ") + data.distinct.toLocaleString("en") + " values");
          more.type = "button";
          more.id = "facet-more-" + fi;
          more.setAttribute("aria-expanded", facetOpen[f.name] ? "true" : "false");
          more.addEventListener("click", function () { facetOpen[f.name] = !facetOpen[f.name]; renderFacets(lastView === null ? null : all); var b = document.getElementById(more.id); if (b) { b.focus(); } });
          group.appendChild(more);
        }
        facetsBox.appendChild(group);
      });
      if (focused) { var back = document.getElementById(focused); if (back) { back.focus(); } }
    }

    /* ---- the column chooser ---- */
    function renderChooser() {
      chooser.querySelectorAll("div").forEach(function (d) { d.remove(); });
      var shown = (state.cols || meta.defaults);
      order.forEach(function (n, k) {
        var d = el("div");
        var box = el("input");
        box.type = "checkbox";
        box.id = "col-" + k;
        box.checked = shown.indexOf(n) >= 0;
        box.addEventListener("change", function () {
          var now = (state.cols || meta.defaults).slice();
          if (box.checked) { now.push(n); } else { now = now.filter(function (x) { return x !== n; }); }
          now = order.filter(function (x) { return now.indexOf(x) >= 0; });
          if (!now.length) { box.checked = true; return; }  /* at least one column stays */
          state.cols = sameList(now, meta.defaults) ? null : now;
          commit(true, box.id);
        });
        var label = el("label", null, byName[n].title);
        label.htmlFor = box.id;
        d.appendChild(box);
        d.appendChild(label);
        chooser.appendChild(d);
      });
    }
    function sameList(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }

    /* ---- putting it together ---- */
    function update() {
      renderHeader();
      var first = state.page * meta.pageRows;
      if (meta.rows === 0) { renderRows([], 0, 0); renderFacets(null); return Promise.resolve(); }
      if (!all && !state.sort && !filtered()) {
        var k = Math.floor(first / meta.shardSize);
        if (k >= meta.shards.length) { state.page = 0; first = 0; k = 0; }
        renderFacets(null);
        return loadShard(k).then(function (rows) {
          var lo = first - k * meta.shardSize;
          lastView = null;
          renderRows(rows.slice(lo, lo + meta.pageRows), meta.rows, first);
        }).catch(function (e) { status.textContent = e.message; });
      }
      return loadAll().then(function (rows) {
        var v = view(rows);
        lastView = v;
        if (first >= v.length) { state.page = 0; first = 0; }
        renderRows(v.slice(first, first + meta.pageRows).map(function (i) { return rows[i]; }), v.length, first);
        renderFacets(rows);
      }).catch(function (e) { status.textContent = e.message; });
    }
    function commit(push, focusId) {
      lastTyping = "";
      writeURL(push);
      renderChooser();
      return update().then(function () {
        if (focusId) { var b = document.getElementById(focusId); if (b) { b.focus(); } }
      });
    }
    var timer = null;
    function typing(apply, key) {
      return function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          apply();
          state.page = 0;
          writeURL(lastTyping !== key);
          lastTyping = key;
          update();
        }, 200);
      };
    }
    filterInput.addEventListener("input", typing(function () { state.q = filterInput.value.trim(); }, "q"));
    document.getElementById("prev").addEventListener("click", function () { if (state.page > 0) { state.page -= 1; commit(true); } });
    document.getElementById("next").addEventListener("click", function () { state.page += 1; commit(true); });
    document.getElementById("columns-reset").addEventListener("click", function () { state.cols = null; commit(true, "columns-reset"); });
    document.getElementById("clear-filters").addEventListener("click", function () {
      state.q = ""; state.f = Object.create(null); state.cq = Object.create(null); state.page = 0; filterInput.value = "";
      commit(true, "clear-filters");
    });

    /* ---- downloads of the records in view, made here from the rows (works from file://) ---- */
    function viewRows() {
      return loadAll().then(function (rows) {
        var v = lastView !== null && (state.sort || filtered()) ? lastView : rows.map(function (_, i) { return i; });
        return v.map(function (i) { return rows[i]; });
      });
    }
    function plain(v, c) {
      if (v === null || v === undefined) { return null; }
      if (Array.isArray(v)) { return v.map(function (x) { return plain(x, c); }); }
      if (typeof v === "object") { return v.v; }
      return v;
    }
    function csvCell(v, c) {
      v = plain(v, c);
      if (v === null) { return ""; }
      if (Array.isArray(v)) { v = v.join(c.delimiter || ","); }
      return /[",\r\n]|^\s|\s$/.test(v) ? "\"" + v.replace(/"/g, "\"\"") + "\"" : v;
    }
    function save(name, type, text) {
      var blob = new Blob([text], { type: type });
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }
    document.getElementById("download-csv").addEventListener("click", function () {
      viewRows().then(function (rows) {
        var lines = [meta.columns.map(function (c) { return csvCell(c.name, c); }).join(",")];
        rows.forEach(function (r) { lines.push(meta.columns.map(function (c, i) { return csvCell(r[i + 1], c); }).join(",")); });
        save(meta.table + (filtered() ? "-view" : "") + ".csv", "text/csv;charset=utf-8", lines.join("\n") + "\n");
      });
    });
    document.getElementById("download-json").addEventListener("click", function () {
      viewRows().then(function (rows) {
        var out = rows.map(function (r) {
          var o = {};
          meta.columns.forEach(function (c, i) { o[c.name] = plain(r[i + 1], c); });
          return o;
        });
        save(meta.table + (filtered() ? "-view" : "") + ".json", "application/json", JSON.stringify(out, null, 1) + "\n");
      });
    });

    window.addEventListener("popstate", function () {
      state = readURL();
      filterInput.value = state.q;
      renderChooser();
      update();
    });
    if (window.matchMedia("(max-width: 64em)").matches) { facetsBox.closest("details").open = false; }
    state = readURL();
    filterInput.value = state.q;
    renderChooser();
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
  var fieldTexts = {};
  window.zdFields = function (table, texts) { fieldTexts[table] = texts; };
  function toggleDescription(a, show, texts) {
    var dd = a.parentNode.nextElementSibling;
    if (!dd) { return; }
    var open = dd.nextElementSibling;
    var isOpen = open !== null && open.classList.contains("fdesc");
    if (show === undefined) { show = !isOpen; }
    if (show && !isOpen) {
      dd.parentNode.insertBefore(el("dd", "fdesc", texts[a.getAttribute("data-field")] || ""), dd.nextSibling);
    } else if (!show && isOpen) {
      open.remove();
    }
    a.setAttribute("aria-expanded", show ? "true" : "false");
  }
  /* field descriptions come from the table's data dictionary, one small script shared by its record pages */
  function withDescriptions(dl, then) {
    var src = dl.getAttribute("data-fields");
    var table = src.split("/")[1];
    if (fieldTexts[table]) { then(fieldTexts[table]); return; }
    loadScript(src).then(function () { then(fieldTexts[table] || {}); });
  }
  function initFieldDescriptions() {
    var links = document.querySelectorAll("dl.fields > dt > a[data-field]");
    links.forEach(function (a) {
      a.setAttribute("aria-expanded", "false");
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        withDescriptions(a.closest("dl"), function (texts) { toggleDescription(a, undefined, texts); });
      });
    });
    document.querySelectorAll("button.show-descriptions").forEach(function (b) {
      b.hidden = links.length === 0;
      b.addEventListener("click", function () {
        var show = b.getAttribute("aria-pressed") !== "true";
        withDescriptions(links[0].closest("dl"), function (texts) {
          links.forEach(function (a) { toggleDescription(a, show, texts); });
        });
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
  /* the address of this page in a citation: absolute, wherever the site is served from */
  document.querySelectorAll(".cite-address").forEach(function (s) {
    try { s.textContent = new URL(base + s.getAttribute("data-rel"), window.location.href).href; } catch (e) { /* keep the relative one */ }
  });
  /* a timeline opens on its latest years when it is wider than the screen */
  document.querySelectorAll(".picture-frame[data-start=end]").forEach(function (f) { f.scrollLeft = f.scrollWidth; });
  initFieldDescriptions();
  initCopy();
})();
