/* The question finder on browse/: filters (topic, tag, difficulty, status) and the site's
   search within them, the state in the address (?q=&topic=&tag=&difficulty=&status=).

   Loaded by overrides/browse.html inside the page content, so Material's instant
   navigation runs it again on arrival: it installs once and mounts on #qb-browse each
   time.  The controls are created here, never in the page's Markdown (the sanitizer's
   rule); without JavaScript the container keeps its plain links.  The search itself is
   window.qbSearch (search.js): same index, same matching as the header's search. */
(function () {
  "use strict";
  var FIELDS = ["topic", "tag", "difficulty", "status"], PAGE = 50;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }
  function select(name, labelText, options) {
    var id = "qb-browse-" + name, wrap = el("div", { "class": "qb-browse-field" });
    wrap.appendChild(el("label", { "for": id }, labelText));
    var s = el("select", { id: id, name: name });
    s.appendChild(el("option", { value: "" }, "Any"));
    options.forEach(function (o) { s.appendChild(el("option", { value: o[0] }, o[1])); });
    wrap.appendChild(s);
    return { wrap: wrap, input: s };
  }

  function mount() {
    var box = document.getElementById("qb-browse");
    if (!box || box.dataset.qbMounted || !window.qbSearch) return;
    box.dataset.qbMounted = "1";
    var qs = window.qbSearch;
    box.setAttribute("aria-busy", "true");
    qs.load().then(function (index) { return index.done; }).then(function (index) { build(box, qs, index); }, function () {
      box.removeAttribute("aria-busy");
      box.insertBefore(el("p", { "class": "qb-browse-error" }, "The question index could not be loaded; use the links below."), box.firstChild);
    });
  }

  function build(box, qs, index) {
    var params = new URL(location.href).searchParams;
    var form = el("div", { "class": "qb-browse-filters", role: "group", "aria-label": "Filter and search the questions" });
    var qWrap = el("div", { "class": "qb-browse-field qb-browse-query" });
    qWrap.appendChild(el("label", { "for": "qb-browse-q" }, "Search"));
    var q = el("input", { id: "qb-browse-q", type: "search", name: "q", autocomplete: "off", spellcheck: "false",
      placeholder: "e.g. batch norm, kmeans, optimiser" });
    qWrap.appendChild(q);
    form.appendChild(qWrap);
    var counts = {};
    index.items.forEach(function (it) { if (it.topic >= 0) it.tags.forEach(function (t) { counts[t] = (counts[t] || 0) + 1; }); });
    var controls = {
      topic: select("topic", "Topic", index.topics.map(function (t) { return [t[0], t[1]]; })),
      tag: select("tag", "Tag", index.tags.map(function (t, k) { return [t[0], t[1] + " (" + (counts[k] || 0) + ")"]; })),
      difficulty: select("difficulty", "Difficulty", [["easy", "Easy"], ["medium", "Medium"], ["hard", "Hard"]]),
      status: select("status", "Status", [["answered", "Answered"], ["unanswered", "Unanswered"]])
    };
    FIELDS.forEach(function (f) { form.appendChild(controls[f].wrap); });
    var clear = el("button", { type: "button", "class": "md-button qb-browse-clear" }, "Clear");
    form.appendChild(clear);
    var status = el("p", { "class": "qb-browse-count", role: "status", "aria-live": "polite" });
    var list = el("ul", { "class": "qb-list qb-browse-results" });
    var more = el("button", { type: "button", "class": "md-button qb-browse-more", hidden: "" }, "Show more");

    q.value = params.get("q") || "";
    FIELDS.forEach(function (f) {
      var v = params.get(f) || "", s = controls[f].input;
      if (v && s.querySelector('option[value="' + CSS.escape(v) + '"]')) s.value = v;
    });
    box.textContent = "";
    box.appendChild(form);
    box.appendChild(status);
    box.appendChild(list);
    box.appendChild(more);
    box.removeAttribute("aria-busy");

    var result = null, shown = 0;
    function state() {
      var f = {};
      FIELDS.forEach(function (k) { if (controls[k].input.value) f[k] = controls[k].input.value; });
      return f;
    }
    function remember(filters) {
      var url = new URL(location.href);
      url.search = "";
      if (q.value.trim()) url.searchParams.set("q", q.value.trim());
      FIELDS.forEach(function (k) { if (filters[k]) url.searchParams.set(k, filters[k]); });
      if (url.href !== location.href) history.replaceState(history.state, "", url.href);
    }
    function run() {
      var filters = state(), text = q.value;
      remember(filters);
      result = qs.search(text, filters, function () { if (q.value === text) run(); });
      result.items = result.items.filter(function (it) { return it.topic >= 0; });
      result.total = result.items.length;
      list.textContent = "";
      shown = 0;
      page();
      var n = result.total, words = n + (n === 1 ? " question" : " questions");
      var fixes = result.fixes.map(function (f) { return f[1] + " (you typed " + f[0] + ")"; });
      status.textContent = (n ? words : "No questions") + (text.trim() ? " match" + (n === 1 ? "es" : "") + " “" + text.trim() + "”" : "")
        + (Object.keys(filters).length ? " with these filters" : "") + "." + (fixes.length ? " Showing results for " + fixes.join(", ") + "." : "");
      list.dataset.qbQuery = text;
    }
    function page() {
      var frag = document.createDocumentFragment();
      result.items.slice(shown, shown + PAGE).forEach(function (item) {
        var li = el("li", { "class": "qb-browse-item" }), a = el("a", { href: qs.href(item, result.words) });
        a.appendChild(qs.describe(item, result.words, "span"));
        li.appendChild(a);
        frag.appendChild(li);
      });
      shown = Math.min(result.total, shown + PAGE);
      list.appendChild(frag);
      more.hidden = shown >= result.total;
      more.textContent = "Show " + Math.min(PAGE, result.total - shown) + " more (" + (result.total - shown) + " left)";
    }
    q.addEventListener("input", run);
    FIELDS.forEach(function (f) { controls[f].input.addEventListener("change", run); });
    clear.addEventListener("click", function () {
      q.value = "";
      FIELDS.forEach(function (f) { controls[f].input.value = ""; });
      run();
      q.focus();
    });
    more.addEventListener("click", function () {
      var next = shown;
      page();
      var link = list.children[next] && list.children[next].querySelector("a");
      if (link) link.focus();
    });
    run();
  }

  if (window.qbSearch) mount();
  else document.addEventListener("DOMContentLoaded", mount);  // first load: search.js comes after the content
})();
