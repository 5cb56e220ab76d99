/* Site search: loaded on every page, fetches its index only when the reader searches.

   Why not Material's own search: it downloads the whole lunr index on every page load (it
   grows with the bank: 2.4 MiB gzip at 10,000 questions) and builds it in the browser, and
   Material 9 offers no hook for synonyms, spelling or typos.  This script drives Material's
   search dialog (same markup and CSS, overrides/partials/search.html) with:
   - search/qbank.json, fetched on first use (focus, "/" "s" "f", the search button, ?q=):
     titles, aliases, synonyms, topic, tags, difficulty, status (scripts/qbank/site/search_index.py);
   - search/terms/<xx>.json, the answers' words for the first two letters of a typed word,
     fetched after the first results are shown;
   - words cut, spelled (British -> American) and stemmed alike on both sides; every typed
     word also matches as a prefix; a word that matches nothing is retried with one letter
     wrong, added, dropped or swapped ("did you mean").
   Material's search highlighting (?h=) and share link (?q=, copied by Material's clipboard
   handler) keep working.  window.qbSearch is the engine, used by browse.js as well. */
(function () {
  "use strict";
  if (window.qbSearch) return;

  var script = document.currentScript;
  var root = new URL("../../", script ? script.src : location.href);
  var W = { title: 10, alias: 7, synonym: 6, tag: 4, topic: 2 };  // < 16: stored as doc * 16 + weight
  var FIRST = 1000, SLICE = 2500;  // documents indexed before the first search, then per slice
  var index = null, loading = null, shards = {}, shardLoads = {};

  // -- words ---------------------------------------------------------------------------
  function words(text) {
    text = String(text || "");
    if (/[^\x00-\x7f]/.test(text)) text = text.normalize("NFKD").replace(/\p{Mn}/gu, "");
    return text.toLowerCase().match(/[a-z0-9]+/g) || [];
  }
  function spell(w) {
    var pairs = index ? index.spelling : [];
    for (var i = 0; i < pairs.length; i++) if (w.lastIndexOf(pairs[i][0], 0) === 0) return pairs[i][1] + w.slice(pairs[i][0].length);
    return w;
  }
  function stem(w) {
    if (w.length < 4) return w;
    if (/ies$/.test(w)) w = w.slice(0, -3) + "y";
    else if (/[^su]s$/.test(w)) w = w.slice(0, -1);
    if (/ing$/.test(w) && w.length >= 6) w = w.slice(0, -3);
    else if (/ed$/.test(w) && w.length >= 5) w = w.slice(0, -2);
    else if (/e$/.test(w) && w.length >= 5) w = w.slice(0, -1);
    if (/([b-df-hj-km-rtv-z])\1$/.test(w)) w = w.slice(0, -1);  // overfitt -> overfit (not ll, ss)
    return w;
  }
  function slug(title) {  // = qbank.site.search_index.page_slug (the bank's slug, checked at build time)
    var out = "", ws = words(title);
    for (var i = 0; i < ws.length; i++) {
      if (out.length + ws[i].length + 1 > 60 && out) break;
      out = out ? out + "-" + ws[i] : ws[i];
    }
    return out || "question";
  }

  // -- the compact index ------------------------------------------------------------------
  function fetchJSON(path) {
    return fetch(new URL(path, root).href).then(function (r) {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    });
  }
  var timing = {};
  function load() {
    if (!loading) {
      timing.start = performance.now();
      loading = fetch(new URL("search/qbank.json", root).href).then(function (r) {
        if (!r.ok) throw new Error("search/qbank.json: HTTP " + r.status);
        return r.text();
      }).then(function (text) {
        timing.fetched = performance.now();
        var data = JSON.parse(text);
        timing.parsed = performance.now();
        return build(data);
      }).catch(function (e) { loading = null; throw e; });
    }
    return loading;
  }
  function Item(i, title, path, topic, difficulty, status, tags, aliases) {
    this.i = i; this.title = title; this.path = path; this.topic = topic; this.difficulty = difficulty;
    this.status = status; this.tags = tags; this.aliases = aliases;
  }
  Object.defineProperty(Item.prototype, "url", { get: function () {  // made when shown, not for every question
    return this.topic < 0 ? this.path : "questions/" + index.topics[this.topic][0] + "/" + (this.path || slug(this.title)) + "/";
  } });
  var terms = new Map();  // raw word -> stem ("" for a stop word), computed once per distinct word
  function term(raw) {
    var s = terms.get(raw);
    if (s === undefined) {
      var w = spell(raw);
      terms.set(raw, s = index.stop[w] ? "" : stem(w));
    }
    return s;
  }
  function build(data) {
    index = data;
    data.spelling.sort(function (a, b) { return b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1); });
    var stop = index.stop = {};
    data.stopwords.forEach(function (w) { stop[w] = 1; });
    index.shardSet = {};
    data.shards.forEach(function (k) { index.shardSet[k] = 1; });
    // stem -> postings, each doc * 16 + weight (one small-int array per word: few allocations)
    var vocab = index.vocab = new Map();
    function post(s, doc, weight) {
      var e = vocab.get(s), v = doc * 16 + weight;
      if (!e) vocab.set(s, e = []);
      var n = e.length;
      if (n && e[n - 1] >> 4 === doc) { if ((e[n - 1] & 15) < weight) e[n - 1] = v; }
      else e.push(v);
    }
    function add(text, doc, weight) {
      var ws = words(text);
      for (var i = 0; i < ws.length; i++) { var s = term(ws[i]); if (s) post(s, doc, weight); }
    }
    function stems(text) { return words(text).map(term).filter(Boolean); }
    var topicStems = data.topics.map(function (t) { return stems(t[1]); });
    var tagStems = data.tags.map(function (t) {  // the id's words and the label's, each once
      return stems(t[0] + " " + t[1]).filter(function (s, k, all) { return all.indexOf(s) === k; });
    });
    var c = data.docs;  // columns: title, path, topic, difficulty, status, tags, aliases, synonyms
    function one(title, i) {
      var item = new Item(i, title, c.path[i], c.topic[i], c.difficulty[i], c.status[i], c.tags[i], c.aliases[i]);
      if (item.topic >= 0) {
        add(title, i, W.title);
        if (item.aliases.length) add(item.aliases.join(" "), i, W.alias);
        if (c.synonyms[i]) add(c.synonyms[i], i, W.synonym);
        for (var t = 0; t < item.tags.length; t++) tagStems[item.tags[t]].forEach(function (s) { post(s, i, W.tag); });
        topicStems[item.topic].forEach(function (s) { post(s, i, W.topic); });
      } else {  // a page that is not a question (topic, tag, notebook...): ranks below questions
        add(title, i, W.tag);
        add(c.synonyms[i], i, W.topic);
      }
      index.items.push(item);
    }
    /* In slices, so that the first keystroke gets results from the first FIRST documents
       while the rest is indexed (a keystroke waits for one slice at most); index.done
       resolves when every document is in, and the header and browse/ search again then. */
    index.items = [];
    var n = c.title.length;
    function slice(from, to) {
      for (var i = from; i < to; i++) one(c.title[i], i);
      index.terms = null;  // re-sorted when next needed
    }
    slice(0, Math.min(FIRST, n));
    timing.usable = performance.now();
    index.done = new Promise(function (resolve) {
      (function next(from) {
        if (from >= n) { index.complete = true; timing.built = performance.now(); resolve(index); return; }
        setTimeout(function () { slice(from, Math.min(from + SLICE, n)); next(from + SLICE); });
      })(Math.min(FIRST, n));
    });
    return index;
  }
  function sortedTerms() {
    if (!index.terms) index.terms = Array.from(index.vocab.keys()).sort();
    return index.terms;
  }
  function written(s) {  // a word as the bank writes it, for "showing results for ..."
    var found = s;
    terms.forEach(function (st, raw) { if (st === s && found === s) found = spell(raw); });
    return found;
  }

  // -- the full text, by first two letters ------------------------------------------------
  function shard(key) {
    if (shards[key] || !index.shardSet[key]) return shards[key] || null;
    if (!shardLoads[key]) shardLoads[key] = fetchJSON("search/terms/" + key + ".json").then(function (data) {
      var map = new Map(), display = new Map();
      Object.keys(data).forEach(function (raw) {
        var s = stem(raw), ids = data[raw], e = map.get(s), n = 0;
        if (!e) { map.set(s, e = []); display.set(s, raw); }
        for (var j = 0; j < ids.length; j++) e.push((n += ids[j]) * 16 + 1);  // weight 1
      });
      map.forEach(function (e, s) { if (e.length > 1) map.set(s, e.sort(function (a, b) { return a - b; })); });
      shards[key] = { map: map, display: display, terms: Array.from(map.keys()).sort() };
    }).catch(function () { shards[key] = { map: new Map(), display: new Map(), terms: [] }; });
    return null;
  }

  // -- matching ----------------------------------------------------------------------------
  function prefixRange(terms, p) {  // terms starting with p (sorted array)
    var lo = 0, hi = terms.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid] < p) lo = mid + 1; else hi = mid; }
    var out = [];
    for (var k = lo; k < terms.length && terms[k].lastIndexOf(p, 0) === 0; k++) out.push(terms[k]);
    return out;
  }
  function near(a, b) {  // edit distance 1: one letter wrong, added, dropped, or two swapped
    var la = a.length, lb = b.length;
    if (a === b || Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) return a.slice(i + 1) === b.slice(i + 1) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }
  /* One query word: the best weight it gives each document (hit), in a typed array. */
  function matchWord(w, s, prefix, need, hit, list) {
    var fix = null;
    function credit(postings, factor) {
      for (var j = 0; j < postings.length; j++) {
        var d = postings[j] >> 4, v = (postings[j] & 15) * factor;
        if (v > hit[d]) { if (!hit[d]) list.push(d); hit[d] = v; }
      }
    }
    var exact = index.vocab.get(s);
    if (exact) credit(exact, 1);
    if (prefix) prefixRange(sortedTerms(), s).forEach(function (t) { if (t !== s) credit(index.vocab.get(t), 0.6); });
    var key = w.slice(0, 2), body = w.length >= 2 ? shard(key) : null;
    if (w.length >= 2 && !body && index.shardSet[key]) need.push(key);
    if (body) {
      var e = body.map.get(s);
      if (e) credit(e, 1);
      if (prefix) prefixRange(body.terms, s).forEach(function (t) { if (t !== s) credit(body.map.get(t), 0.5); });
    }
    if (!list.length && s.length >= 4) {  // nothing: one letter off?
      [index].concat(body ? [body] : []).forEach(function (source) {
        (source.map || source.vocab).forEach(function (postings, t) {
          if (near(s, t)) {
            credit(postings, 0.5);
            if (!fix || postings.length > fix.n) fix = { word: source.display ? source.display.get(t) : written(t), n: postings.length };
          }
        });
      });
    }
    return fix && fix.word;
  }

  /* search(query, filters, onMore, limit) -> {items, total, words, fixes, pending}.
     filters: {topic, tag, difficulty, status} (ids/names; questions only when any is set).
     onMore() is called once when full-text shards this query needs have arrived: search
     again then.  limit: only the best `limit` items are ranked (the header shows 10). */
  function search(query, filters, onMore, limit) {
    filters = filters || {};
    var raw = words(query).map(spell), ws = raw.filter(function (w) { return !index.stop[w]; });
    if (!ws.length) ws = raw;
    var n = index.items.length, typing = !/\s$/.test(query), need = [], fixes = [];
    var total = new Float64Array(n), count = new Uint8Array(n), touched = [];
    ws.forEach(function (w, k) {
      var s = stem(w), hit = new Float32Array(n), list = [];
      var fix = matchWord(w, s, s.length >= 2 || (typing && k === ws.length - 1), need, hit, list);
      if (fix) fixes.push([w, fix]);
      for (var j = 0; j < list.length; j++) {
        var d = list[j];
        if (!count[d]) touched.push(d);
        count[d]++;
        total[d] += hit[d];
      }
    });
    var pick = filter(filters), out = [];
    if (ws.length) {
      for (var j = 0; j < touched.length; j++) {
        var d = touched[j];
        if (pick(index.items[d])) out.push(d);
      }
      for (j = 0; j < out.length; j++) total[out[j]] -= index.items[out[j]].title.length / 1000;  // shorter first
    } else index.items.forEach(function (it) { if (it.topic >= 0 && pick(it)) out.push(it.i); });
    var before = function (a, b) { return count[b] - count[a] || total[b] - total[a] || a - b; };
    var ranked = limit && out.length > limit * 4 ? best(out, limit, before) : out.sort(before);
    if (need.length && onMore) {
      Promise.all(need.map(function (k) { shard(k); return shardLoads[k]; })).then(function () { onMore(); });
    }
    return {
      items: ranked.map(function (d) { return index.items[d]; }), total: out.length,
      words: raw.concat(fixes.map(function (f) { return f[1]; })), fixes: fixes, pending: need.length > 0
    };
  }
  function best(ids, k, before) {  // the k first of ids in `before` order, without sorting them all
    var top = [];
    for (var i = 0; i < ids.length; i++) {
      var d = ids[i];
      if (top.length === k && before(d, top[k - 1]) >= 0) continue;
      var at = top.length;
      while (at > 0 && before(d, top[at - 1]) < 0) at--;
      top.splice(at, 0, d);
      if (top.length > k) top.pop();
    }
    return top;
  }
  function filter(f) {
    var topic = f.topic ? index.topics.findIndex(function (t) { return t[0] === f.topic; }) : null;
    var tag = f.tag ? index.tags.findIndex(function (t) { return t[0] === f.tag; }) : null;
    var diff = f.difficulty ? index.difficulties.indexOf(f.difficulty) : null;
    var status = f.status ? (f.status === "answered" ? 1 : 0) : null;
    var any = topic !== null || tag !== null || diff !== null || status !== null;
    return function (it) {
      if (any && it.topic < 0) return false;
      return (topic === null || it.topic === topic) && (tag === null || it.tags.indexOf(tag) >= 0) &&
        (diff === null || it.difficulty === diff) && (status === null || it.status === status);
    };
  }

  // -- a result --------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function marked(text, ws) {  // text with <mark> around words matching a query word
    var stems = ws.map(function (w) { return stem(w); }), frag = document.createDocumentFragment();
    String(text).split(/([A-Za-z0-9\u00c0-\u024f]+)/).forEach(function (part, k) {
      var s = k % 2 ? stem(spell(words(part)[0] || "")) : "";
      var hit = s && stems.some(function (q) { return q && (s === q || (q.length >= 2 && s.lastIndexOf(q, 0) === 0)); });
      frag.appendChild(hit ? el("mark", null, part) : document.createTextNode(part));
    });
    return frag;
  }
  function label(cls, name, value) {
    var b = el("span", "qb-badge " + cls);
    b.appendChild(el("span", "qb-sr", name + ": "));
    b.appendChild(document.createTextNode(value));
    return b;
  }
  var LABEL = { easy: "Easy", medium: "Medium", hard: "Hard" };
  /* The body of one result: title, labels (topic, difficulty, status) and tag chips. */
  function describe(item, ws, heading) {
    var frag = document.createDocumentFragment(), h = el(heading || "h1", "qb-result-title");
    h.appendChild(marked(item.title, ws));
    frag.appendChild(h);
    if (item.topic < 0) return frag;
    var labels = el("p", "qb-result-labels");
    [label("qb-badge--topic", "Topic", index.topics[item.topic][1]),
     label("qb-badge--" + index.difficulties[item.difficulty], "Difficulty", LABEL[index.difficulties[item.difficulty]]),
     label("qb-badge--" + (item.status ? "answered" : "unanswered"), "Status", item.status ? "Answered" : "Unanswered")]
      .forEach(function (b, k) { if (k) labels.appendChild(document.createTextNode(" ")); labels.appendChild(b); });
    frag.appendChild(labels);
    if (item.tags.length) {
      var tags = el("p", "qb-result-tags");
      tags.appendChild(el("span", "qb-sr", "Tags: "));
      item.tags.forEach(function (t, k) { if (k) tags.appendChild(document.createTextNode(" ")); tags.appendChild(el("span", "qb-tag", index.tags[t][1])); });
      frag.appendChild(tags);
    }
    var alias = ws.length && item.aliases.find(function (a) {
      var aw = words(a).map(function (w) { return stem(spell(w)); });
      return ws.every(function (w) { var s = stem(w); return aw.some(function (x) { return x.lastIndexOf(s, 0) === 0; }); });
    });
    if (alias) {
      var p = el("p", "md-search-result__teaser qb-result-alias", "Also asked as: ");
      p.appendChild(marked(alias, ws));
      frag.appendChild(p);
    }
    return frag;
  }
  function href(item, ws) {
    var url = new URL(item.url, root);
    if (ws.length) url.searchParams.set("h", ws.join(" "));
    return url.href;
  }

  // -- Material's search dialog ---------------------------------------------------------------
  var SHOWN = 10;
  function dialog() {
    var input = document.querySelector(".md-search__input");
    if (!input || input.dataset.qbBound) return;
    input.dataset.qbBound = "1";
    var toggle = document.getElementById("__search"), form = input.form;
    var meta = document.querySelector(".md-search-result__meta");
    var list = document.querySelector(".md-search-result__list");
    var share = document.querySelector("[data-qb-search-share]");
    var last = null;

    function setOpen(open) {
      if (!toggle || toggle.checked === open) return;
      toggle.checked = open;
      toggle.dispatchEvent(new Event("change"));
    }
    function start() {
      if (!index) meta.textContent = "Loading the search index…";
      load().then(function (ix) { run(); if (!ix.complete) ix.done.then(run); }, function () { meta.textContent = "The search index could not be loaded. Try again when online."; });
    }
    function run() {
      if (!index) return;
      var q = input.value;
      if (share) {
        var url = new URL(location.href);
        url.hash = "";
        url.search = q.trim() ? "q=" + encodeURIComponent(q.trim()).replace(/%20/g, "+") : "";
        share.setAttribute("data-clipboard-text", url.href);
        share.href = url.href;
      }
      if (!q.trim()) { last = null; list.textContent = ""; list.dataset.qbQuery = ""; meta.textContent = "Type to start searching"; return; }
      var r = search(q, null, function () { if (input.value === q) run(); }, SHOWN);
      last = r;
      meta.textContent = "";
      meta.appendChild(document.createTextNode(
        r.total ? r.total + (r.total === 1 ? " matching page" : " matching pages") : "No matching pages"));
      r.fixes.forEach(function (f) {
        meta.appendChild(document.createTextNode(" · showing results for "));
        meta.appendChild(el("strong", null, f[1]));
        meta.appendChild(document.createTextNode(" (you typed " + f[0] + ")"));
      });
      var browse = el("a", "qb-search-browse", "Filter by topic, tag, difficulty, status");
      browse.href = new URL("browse/?q=" + encodeURIComponent(q.trim()), root).href;
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(browse);
      var frag = document.createDocumentFragment();
      r.items.slice(0, SHOWN).forEach(function (item, k) {
        var li = el("li", "md-search-result__item"), a = el("a", "md-search-result__link");
        a.href = href(item, r.words);
        a.tabIndex = -1;
        var art = el("article", "md-search-result__article md-typeset");
        art.setAttribute("data-md-score", String(r.total - k));
        art.appendChild(describe(item, r.words));
        a.appendChild(art);
        li.appendChild(a);
        frag.appendChild(li);
      });
      if (r.total > SHOWN) {
        var li = el("li", "md-search-result__item qb-search-more"), more = el("a", "md-search-result__link",
          "All " + r.total + " results, with filters");
        more.href = browse.href;
        more.tabIndex = -1;
        li.appendChild(more);
        frag.appendChild(li);
      }
      // The list is drawn again when the answers' words arrive: a reader who has moved into the
      // results with the arrow keys stays on the same result (else back in the search box).
      var focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
      list.textContent = "";
      list.appendChild(frag);
      list.dataset.qbQuery = q;
      if (focused !== null) (links().find(function (a) { return a.getAttribute("href") === focused; }) || input).focus();
    }
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a[href]")); }

    input.addEventListener("focus", function () { setOpen(true); start(); });
    input.addEventListener("input", function () { if (index) run(); else start(); });
    if (toggle) toggle.addEventListener("change", function () {
      if (toggle.checked) { start(); if (document.activeElement !== input) input.focus(); }
      else if (new URL(location.href).searchParams.has("q")) {
        var url = new URL(location.href);
        url.searchParams.delete("q");
        history.replaceState(history.state, "", url.href);
      }
    });
    document.querySelectorAll("label[for=__search]").forEach(function (l) {
      l.addEventListener("click", function () { if (!toggle.checked) input.focus(); });  // iOS: focus in the gesture
    });
    if (share) share.addEventListener("click", function (ev) { ev.preventDefault(); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(function () { run(); input.focus(); }); });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var active = document.activeElement, open = toggle && toggle.checked;
      if (!open) {
        var editable = active && (active.isContentEditable || /^(input|select|textarea)$/i.test(active.tagName));
        if (!editable && (ev.key === "/" || ev.key === "s" || ev.key === "f")) {
          ev.preventDefault();
          setOpen(true);
          input.focus();
          input.select();
        }
        return;
      }
      if (ev.key === "Escape") { setOpen(false); input.blur(); ev.preventDefault(); }
      else if (ev.key === "Enter" && active === input) {
        ev.preventDefault();
        var first = links()[0];
        if (first) first.click();
      } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        var all = [input].concat(links()), at = Math.max(0, all.indexOf(active));
        all[(at + (ev.key === "ArrowDown" ? 1 : all.length - 1)) % all.length].focus();
        ev.preventDefault();
      }
    });
    list.addEventListener("click", function (ev) { if (ev.target.closest && ev.target.closest("a")) setOpen(false); });
    var q = new URL(location.href).searchParams.get("q");
    if (q && !document.getElementById("qb-browse")) { input.value = q; setOpen(true); input.focus(); start(); }  // browse/ uses ?q= itself
    window.qbSearch.last = function () { return last; };
  }

  window.qbSearch = {
    load: load, search: search, describe: describe, href: href, words: words, spell: spell, stem: stem,
    slug: slug, index: function () { return index; }, timing: timing
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", dialog);
  else dialog();
})();
