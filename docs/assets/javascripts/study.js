/* Study mode: flashcards with spaced repetition, mock interviews, progress export/import.
   Plain JavaScript, no dependencies, nothing from another host.

   Scheduling: SM-2 as Anki applies it, in integers. The same rule is written in
   scripts/qbank/site/scheduler.py; tests/test_scheduler.py runs both on the same grade
   sequences. The constants come from study/cards.json (the build writes
   qbank.site.scheduler.SPEC there), so the page and the tests use the same numbers.

   Data: questions.json (qbank export schema v1) and study/cards.json
   ({version, scheduler, fonts, cards: [{id, answer_html}]}), fetched once and kept in memory:
   once the page has loaded, the whole session works offline.
   Progress: localStorage "<site path>.qbank-study" = {schema: 1, cards, log, mocks, settings}.

   Material's instant navigation re-runs this file each time the study page is reached;
   the first run installs everything, later runs only ask for a (guarded) re-mount. */
(function () {
  "use strict";
  var MIN = 60000, DAY = 86400000;

  // -- the scheduler (keep in step with scripts/qbank/site/scheduler.py) --------------------
  function divRound(a, b) { return Math.floor((2 * a + b) / (2 * b)); }

  function hardDelay(steps, step) {
    if (step === 0 && steps.length > 1) return Math.floor((steps[0] + steps[1]) * MIN / 2);
    if (step === 0) return Math.min(divRound(steps[0] * MIN * 3, 2), steps[0] * MIN + DAY);
    return steps[step] * MIN;
  }

  function reviewIntervals(ivl, ease, s) {
    var cap = s.max_interval_days;
    var hard = Math.min(cap, Math.max(ivl + 1, divRound(ivl * s.hard_multiplier, 1000)));
    var good = Math.min(cap, Math.max(hard + 1, divRound(ivl * ease, 1000)));
    var easy = Math.min(cap, Math.max(good + 1, divRound(ivl * ease * s.easy_bonus, 1000000)));
    return [hard, good, easy];
  }

  function newCard(s) {
    return { state: "new", step: 0, due: 0, interval: 0, ease: s.starting_ease, reps: 0, lapses: 0, last: 0 };
  }

  /* The card after answering it with grade 1 (again), 2 (hard), 3 (good) or 4 (easy) at `now` (ms). */
  function review(card, grade, now, s) {
    if (grade !== 1 && grade !== 2 && grade !== 3 && grade !== 4) throw new RangeError("grade must be 1-4");
    var c = Object.assign(newCard(s), card || {}, { reps: ((card && card.reps) || 0) + 1, last: now });
    var cap = s.max_interval_days;
    function graduate(ivl) {
      ivl = Math.min(cap, ivl);
      return Object.assign(c, { state: "review", step: 0, interval: ivl, due: now + ivl * DAY });
    }
    if (c.state === "new" || c.state === "learning" || c.state === "relearning") {
      var re = c.state === "relearning", steps = re ? s.relearning_steps_min : s.learning_steps_min;
      if (c.state === "new") c.step = 0;
      c.state = re ? "relearning" : "learning";
      if (grade === 1) return Object.assign(c, { step: 0, due: now + steps[0] * MIN });
      if (grade === 2) return Object.assign(c, { due: now + hardDelay(steps, c.step) });
      if (grade === 3) {
        if (c.step + 1 < steps.length) return Object.assign(c, { step: c.step + 1, due: now + steps[c.step + 1] * MIN });
        return graduate(re ? c.interval : s.graduating_interval_days);
      }
      return graduate(re ? c.interval + 1 : s.easy_interval_days);
    }
    if (grade === 1) {
      c.lapses += 1;
      c.ease = Math.max(s.min_ease, c.ease + s.ease_again);
      c.interval = Math.max(s.min_lapse_interval_days, divRound(c.interval * s.lapse_multiplier, 1000));
      var rs = s.relearning_steps_min;
      if (rs.length) return Object.assign(c, { state: "relearning", step: 0, due: now + rs[0] * MIN });
      return graduate(c.interval);
    }
    var iv = reviewIntervals(c.interval, c.ease, s);
    if (grade === 2) { c.ease = Math.max(s.min_ease, c.ease + s.ease_hard); return graduate(iv[0]); }
    if (grade === 3) return graduate(iv[1]);
    c.ease += s.ease_easy;
    return graduate(iv[2]);
  }

  var scheduler = { review: review, reviewIntervals: reviewIntervals, divRound: divRound, newCard: newCard };
  if (typeof module === "object" && module.exports) module.exports = scheduler;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (window.__qbStudy) { window.__qbStudy.sync(); return; }

  // -- set-up -----------------------------------------------------------------------------
  var script = document.currentScript;
  var ROOT = (script && script.src ? new URL("../../", script.src) : new URL("../", location.href)).href;
  var KEY = new URL(ROOT).pathname + ".qbank-study";
  var SCHEMA = 1;
  var GRADES = ["Again", "Hard", "Good", "Easy"];
  var ASSESS = ["Missed it", "Partly", "Nailed it"];
  var DIFF = { easy: "Easy", medium: "Medium", hard: "Hard" };
  var STATES = { "new": "New", learning: "Learning", relearning: "Relearning", review: "Review" };
  var MERMAID_CSS = ".node rect,.node circle,.node ellipse,.node polygon,.node path{fill:var(--md-mermaid-node-bg-color);" +
    "stroke:var(--md-mermaid-node-fg-color)}marker{fill:var(--md-mermaid-edge-color)!important}" +
    ".edgePath .path,.flowchart-link{stroke:var(--md-mermaid-edge-color)}.edgeLabel,.edgeLabel p{background-color:" +
    "var(--md-mermaid-label-bg-color);color:var(--md-mermaid-edge-color)}.label,.nodeLabel,.nodeLabel p{color:" +
    "var(--md-mermaid-label-fg-color);font-family:var(--md-mermaid-font-family)}";
  var data = null, loading = null, app = null, st = loadState(), mermaidSeq = 0;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }
  function fetchJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }
  function shuffle(a) {
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1)), t = a[i];
      a[i] = a[j]; a[j] = t;
    }
    return a;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function fmtShort(ms) {
    var m = Math.round(ms / MIN);
    if (m < 60) return Math.max(m, 1) + "m";
    if (ms < DAY) return Math.round(ms / 3600000) + "h";
    var d = Math.round(ms / DAY);
    if (d < 31) return d + "d";
    if (d < 365) return +(d / 30.4).toFixed(1) + "mo";
    return +(d / 365).toFixed(1) + "y";
  }
  function fmtLong(ms) {
    var m = Math.round(ms / MIN);
    if (m < 60) return plural(Math.max(m, 1), "minute");
    if (ms < DAY) return plural(Math.round(ms / 3600000), "hour");
    var d = Math.round(ms / DAY);
    if (d < 31) return plural(d, "day");
    if (d < 365) return +(d / 30.4).toFixed(1) + " months";
    return +(d / 365).toFixed(1) + " years";
  }
  function fmtClock(ms) {
    var s = Math.round(Math.abs(ms) / 1000);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function loadData() {
    if (data) return Promise.resolve(data);
    loading = loading || Promise.all([fetchJSON(ROOT + "questions.json"), fetchJSON(ROOT + "study/cards.json")])
      .then(function (r) {
        var doc = r[0], cards = r[1], html = {}, byId = {}, order = {}, tags = {};
        cards.cards.forEach(function (c) { html[c.id] = c.answer_html; });
        doc.topics.forEach(function (t, i) { order[t.id] = i; });
        var rank = { easy: 0, medium: 1, hard: 2 };
        var questions = doc.questions.slice().sort(function (a, b) {
          return (order[a.topic] - order[b.topic]) || (rank[a.difficulty] - rank[b.difficulty]) ||
            (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);
        });
        questions.forEach(function (q) {
          byId[q.id] = q;
          q.tags.forEach(function (t) { tags[t] = 1; });
        });
        var topics = {}, tagLabel = {};
        doc.topics.forEach(function (t) { topics[t.id] = t; });
        (doc.tags || []).forEach(function (t) { tagLabel[t.id] = t.label || t.id; });
        data = { questions: questions, byId: byId, topics: doc.topics, topicById: topics, tags: Object.keys(tags).sort(), tagLabel: tagLabel,
          spec: cards.scheduler, html: html };
        warmFonts(cards.fonts);
        return data;
      }, function (err) { loading = null; throw err; });
    return loading;
  }

  /* Fetch the KaTeX fonts the cards need while the reader is online, so that a session goes on
     offline. The build lists them (cards.json "fonts": CSS font values, from KaTeX's own
     stylesheet, scripts/qbank/site/katex_fonts.py); document.fonts.load() fetches a face without
     laying anything out. (Laying the cards out invisibly, as this did before, cost ~350 ms of
     main thread on a slow phone.) In idle time, after the first card is on screen. */
  function warmFonts(faces) {
    if (!document.fonts || !faces || !faces.length) return;
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 30); };
    idle(function () {
      faces.forEach(function (font) { document.fonts.load(font).catch(function () {}); });
    }, { timeout: 1000 });
  }

  // -- progress in localStorage -----------------------------------------------------------
  function freshState(settings) { return { schema: SCHEMA, cards: {}, log: [], mocks: [], settings: settings || {} }; }
  function loadState() {
    var raw = null, s = null;
    try { raw = localStorage.getItem(KEY); s = JSON.parse(raw || "null"); } catch (e) { s = null; }
    if (!s || typeof s !== "object") return freshState();
    if (s.schema !== SCHEMA) { // no older schema exists yet; keep an unknown one aside, never lose it
      try { localStorage.setItem(KEY + ".schema-" + s.schema, raw); } catch (e) { /* full */ }
      return freshState();
    }
    var f = freshState();
    Object.keys(f).forEach(function (k) { if (typeof s[k] !== typeof f[k]) s[k] = f[k]; });
    return s;
  }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(st)); return true; } catch (e) {
      if (app) app.say("Could not save your progress: " + e.message);
      return false;
    }
  }
  function validCard(c) {
    return !!c && typeof c === "object" && !!STATES[c.state] &&
      ["step", "due", "interval", "ease", "reps", "lapses"].every(function (k) { return Number.isFinite(c[k]); });
  }
  /* Merge an exported progress file: per card the more recent review wins. */
  function importProgress(doc) {
    if (!doc || doc.format !== "qbank-study-progress" || doc.schema !== SCHEMA || typeof doc.cards !== "object")
      throw new Error("this is not a progress file of this site (schema " + SCHEMA + ")");
    var n = 0;
    Object.keys(doc.cards).forEach(function (id) {
      var c = doc.cards[id], mine = st.cards[id];
      if (!validCard(c)) throw new Error("card " + id + " is malformed");
      if (!mine || (c.last || 0) > (mine.last || 0)) { st.cards[id] = c; n++; }
    });
    var seen = {};
    st.log.forEach(function (l) { seen[l.id + "@" + l.t] = 1; });
    (Array.isArray(doc.log) ? doc.log : []).forEach(function (l) {
      if (l && !seen[l.id + "@" + l.t]) st.log.push(l);
    });
    st.log.sort(function (a, b) { return a.t - b.t; });
    var mocks = {};
    st.mocks.concat(Array.isArray(doc.mocks) ? doc.mocks : []).forEach(function (m) { if (m && m.t) mocks[m.t] = m; });
    st.mocks = Object.keys(mocks).map(function (k) { return mocks[k]; }).sort(function (a, b) { return a.t - b.t; }).slice(-20);
    save();
    return n;
  }

  // -- mermaid inside revealed answers ----------------------------------------------------
  /* Diagrams stay `<pre class="mermaid">` in the card HTML; they are drawn here through the
     same window.mermaid that Material uses (the self-hosted lazy loader). */
  function renderDiagrams(box, q) {
    box.querySelectorAll("pre.mermaid").forEach(function (pre) {
      var m = window.mermaid, code = pre.textContent;
      function fail() {
        if (!pre.isConnected) return;
        var note = document.createElement("p");
        note.className = "qb-card__diagram-note";
        note.innerHTML = "The diagram could not be drawn here (are you offline?). Its source is below; " +
          '<a href="' + esc(ROOT + q.url) + '">see it on the full page</a>.';
        pre.classList.remove("mermaid");
        pre.before(note);
      }
      if (!m || typeof m.render !== "function") return fail();
      if (typeof m.parse !== "function" && !m.__qbStudy) { // still the loader's shim: give it a theme
        m.initialize({ startOnLoad: false, themeCSS: MERMAID_CSS });
        m.__qbStudy = true;
      }
      pre.setAttribute("aria-busy", "true");
      Promise.resolve().then(function () { return m.render("__qb_study_mermaid_" + mermaidSeq++, code); })
        .then(function (r) {
          if (!pre.isConnected) return;
          var host = document.createElement("div");
          host.className = "mermaid";
          host.setAttribute("role", "img");
          host.setAttribute("aria-label", "Diagram: " + code.replace(/\s+/g, " ").trim());
          var root = host.attachShadow({ mode: "open" });
          root.innerHTML = r.svg;
          pre.replaceWith(host);
          if (r.bindFunctions) r.bindFunctions(root);
        }, fail);
    });
  }

  // -- the app ----------------------------------------------------------------------------
  function App(el, d) {
    var self = this, view = st.settings.view || "cards", queue = [], pos = 0, revealed = false;
    var wake = 0, tick = 0, mock = null;
    this.el = el;
    el.removeAttribute("aria-busy");
    el.innerHTML =
      '<div class="qb-study__modes" role="group" aria-label="Study mode">' +
      tab("cards", "Flashcards") + tab("mock", "Mock interview") + tab("progress", "Progress") + "</div>" +
      '<p class="qb-sr-only" aria-live="polite" aria-atomic="true" data-live></p>' +
      '<div class="qb-study__pane" data-pane></div>';
    var pane = el.querySelector("[data-pane]"), live = el.querySelector("[data-live]");
    el.dataset.ready = "true";

    function tab(v, label) {
      return '<button type="button" class="qb-tab" data-view="' + v + '" aria-pressed="false">' + label + "</button>";
    }
    function say(text) {
      live.textContent = "";
      setTimeout(function () { live.textContent = text; }, 30);
    }
    this.say = say;
    function badges(q) {
      var t = d.topicById[q.topic];
      return '<span class="qb-badge qb-badge--topic">' + esc(t ? t.title : q.topic) + "</span> " +
        '<span class="qb-badge qb-badge--' + esc(q.difficulty) + '">' + esc(DIFF[q.difficulty] || q.difficulty) + "</span>";
    }
    function answerHTML(q) {
      var html = d.html[q.id];
      return html || '<p class="qb-card__none">No answer yet. <a href="' + esc(ROOT + q.url) +
        '">Answer this question</a> on its page.</p>';
    }
    function stop() { clearTimeout(wake); clearInterval(tick); wake = tick = 0; }

    function show(v, focus) {
      stop();
      view = v;
      if (st.settings.view !== v) { st.settings.view = v; save(); }
      el.querySelectorAll("[data-view]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.view === v));
      });
      if (v === "mock") { if (mock && mock.done) summary(mock.done, focus); else if (mock) mockQuestion(focus); else mockSetup(); }
      else if (v === "progress") progress();
      else cardsView(focus);
    }

    // ---- flashcards
    function settings() { return st.settings; }
    function matches(q) {
      var f = settings(), status = f.status || "answered";
      return (!f.topic || q.topic === f.topic) && (!f.tag || q.tags.indexOf(f.tag) >= 0) &&
        (!f.difficulty || q.difficulty === f.difficulty) && (status === "any" || q.status === status);
    }
    function stats(list, now) {
      var n = { "new": 0, learning: 0, review: 0, due: 0, soon: 0 };
      list.forEach(function (q) {
        var c = st.cards[q.id];
        if (!c || c.state === "new") { n["new"]++; return; }
        n[c.state === "review" ? "review" : "learning"]++;
        if (c.due <= now) n.due++; else if (c.due <= now + DAY) n.soon++;
      });
      n.now = n.due + n["new"];
      return n;
    }
    function options(list, current, all) {
      return (all ? '<option value="">' + all + "</option>" : "") + list.map(function (o) {
        return '<option value="' + esc(o[0]) + '"' + (o[0] === (current || "") ? " selected" : "") + ">" + esc(o[1]) + "</option>";
      }).join("");
    }
    function cardsView(focus) {
      var f = settings(), closed = "filtersClosed" in f ? f.filtersClosed : matchMedia("(max-width: 600px)").matches;
      pane.innerHTML =
        '<details class="qb-filters"' + (closed ? "" : " open") + "><summary>Filters</summary>" +
        '<div class="qb-filters__grid">' +
        '<label>Topic <select data-set="topic">' + options(d.topics.map(function (t) { return [t.id, t.title]; }), f.topic, "All topics") + "</select></label>" +
        '<label>Tag <select data-set="tag">' + options(d.tags.map(function (t) { return [t, d.tagLabel[t] || t]; }), f.tag, "All tags") + "</select></label>" +
        '<label>Difficulty <select data-set="difficulty">' + options([["easy", "Easy"], ["medium", "Medium"], ["hard", "Hard"]], f.difficulty, "Any difficulty") + "</select></label>" +
        '<label>Status <select data-set="status">' + options([["answered", "Answered"], ["unanswered", "Unanswered"], ["any", "Answered or not"]], f.status || "answered") + "</select></label>" +
        '<label>Cards <select data-set="mode">' + options([["due", "Due and new"], ["all", "All (practice)"]], f.mode || "due") + "</select></label>" +
        '<label class="qb-check"><input type="checkbox" data-set="shuffle"' + (f.shuffle ? " checked" : "") + "> Shuffle</label>" +
        "</div></details>" +
        '<dl class="qb-counts" aria-label="Cards matching the filters" data-counts></dl>' +
        '<div data-card></div>' +
        '<p class="qb-keys" aria-hidden="true"><kbd>Space</kbd> show answer · <kbd>1</kbd>–<kbd>4</kbd> grade · ' +
        "<kbd>←</kbd> <kbd>→</kbd> previous / next</p>";
      buildQueue();
      counts();
      card(focus);
      clearInterval(tick);
      tick = setInterval(refresh, 15000);
    }
    /* Every 15 s: fresh counts, and cards that have come due join the queue after this one. */
    function refresh() {
      counts();
      if ((settings().mode || "due") !== "due") return;
      var now = Date.now(), have = {};
      queue.forEach(function (id) { have[id] = 1; });
      var add = d.questions.filter(function (q) {
        var c = st.cards[q.id];
        return !have[q.id] && c && c.state !== "new" && c.due <= now && matches(q);
      }).map(function (q) { return q.id; });
      if (!add.length) return;
      if (!queue.length) { buildQueue(); card(false); return; }
      queue.splice.apply(queue, [pos + 1, 0].concat(add));
      var p = pane.querySelector(".qb-card__pos"), next = pane.querySelector("[data-act=next]");
      if (p) p.textContent = "Card " + (pos + 1) + " of " + queue.length;
      if (next) next.disabled = false;
    }
    function counts() {
      var box = pane.querySelector("[data-counts]");
      if (!box) return;
      var n = stats(d.questions.filter(matches), Date.now());
      box.innerHTML = [["now", "To study now"], ["due", "Due"], ["new", "New"], ["learning", "Learning"], ["review", "Review"]]
        .map(function (p) { return '<div><dt>' + p[1] + '</dt><dd data-count="' + p[0] + '">' + n[p[0]] + "</dd></div>"; }).join("");
    }
    function buildQueue() {
      var now = Date.now(), all = (settings().mode || "due") === "all", due = [], fresh = [];
      d.questions.filter(matches).forEach(function (q) {
        var c = st.cards[q.id];
        if (all) due.push(q.id);
        else if (!c || c.state === "new") fresh.push(q.id);
        else if (c.due <= now) due.push(q.id);
      });
      if (!all) due.sort(function (a, b) { return st.cards[a].due - st.cards[b].due; });
      if (settings().shuffle) { shuffle(due); shuffle(fresh); }
      queue = due.concat(fresh);
      pos = 0;
    }
    function card(focus, prefix) {
      var box = pane.querySelector("[data-card]"), now = Date.now();
      clearTimeout(wake);
      revealed = false;
      if (!queue.length || pos >= queue.length) return done(box, focus, prefix);
      var q = d.byId[queue[pos]], c = st.cards[q.id] || scheduler.newCard(d.spec);
      var grades = [1, 2, 3, 4].map(function (g) {
        var next = review(c, g, now, d.spec).due - now;
        return '<button type="button" class="qb-grade qb-grade--' + g + '" data-grade="' + g + '" aria-keyshortcuts="' + g +
          '" aria-label="' + GRADES[g - 1] + ", next in " + fmtLong(next) + '"><span>' + GRADES[g - 1] +
          "</span><small>" + fmtShort(next) + "</small></button>";
      }).join("");
      box.innerHTML =
        '<section class="qb-card" aria-labelledby="qb-card-title">' +
        '<p class="qb-card__meta"><span class="qb-card__pos">Card ' + (pos + 1) + " of " + queue.length + "</span> " + badges(q) +
        ' <span class="qb-chip">' + STATES[c.state] + "</span></p>" +
        '<h2 id="qb-card-title" class="qb-card__q" tabindex="-1">' + esc(q.title) + "</h2>" +
        '<p class="qb-card__reveal"><button type="button" class="md-button md-button--primary" data-act="reveal" ' +
        'aria-expanded="false" aria-controls="qb-card-answer" aria-keyshortcuts="Space">Show answer</button></p>' +
        '<div id="qb-card-answer" class="qb-card__answer" role="region" aria-label="Answer" tabindex="-1" hidden></div>' +
        '<div class="qb-grades" role="group" aria-label="How well did you know it?" hidden>' + grades + "</div>" +
        '<div class="qb-card__nav"><button type="button" class="qb-btn" data-act="prev" aria-keyshortcuts="ArrowLeft"' +
        (pos ? "" : " disabled") + '><span aria-hidden="true">← </span>Previous</button>' +
        '<a href="' + esc(ROOT + q.url) + '">Open the full page</a>' +
        '<button type="button" class="qb-btn" data-act="next" aria-keyshortcuts="ArrowRight" aria-label="Next card, without grading"' +
        (pos + 1 < queue.length ? "" : " disabled") + '>Next<span aria-hidden="true"> →</span></button></div></section>';
      if (focus) box.querySelector("#qb-card-title").focus();
      say((prefix || "") + "Card " + (pos + 1) + " of " + queue.length + ": " + q.title);
    }
    function done(box, focus, prefix) {
      var now = Date.now(), list = d.questions.filter(matches), next = Infinity, all = (settings().mode || "due") === "all";
      list.forEach(function (q) { var c = st.cards[q.id]; if (c && c.state !== "new" && c.due > now) next = Math.min(next, c.due); });
      var title = !list.length ? "No question matches these filters" : all ? "You went through every card" : "Nothing due right now";
      var text = !list.length ? "Change the filters above to pick other questions." :
        next < Infinity ? "The next card is due in " + fmtLong(next - now) + "." : "";
      box.innerHTML = '<section class="qb-card qb-card--done" aria-labelledby="qb-card-title"><h2 id="qb-card-title" tabindex="-1">' +
        title + "</h2><p>" + text + "</p>" + (list.length ? '<p><button type="button" class="md-button" data-act="again">' +
        (all ? "Start over" : "Practise all " + plural(list.length, "card") + " anyway") + "</button></p>" : "") + "</section>";
      if (focus) box.querySelector("h2").focus();
      say((prefix || "") + title + ". " + text);
      if (!all && next - now < 30 * MIN) {
        wake = setTimeout(function () { buildQueue(); counts(); card(false); }, next - now + 250);
      }
    }
    function reveal() {
      if (revealed) return;
      var box = pane.querySelector(".qb-card"), a = box && box.querySelector(".qb-card__answer");
      if (!a) return;
      revealed = true;
      var q = d.byId[view === "mock" ? mock.items[mock.i].id : queue[pos]];
      a.innerHTML = answerHTML(q);
      a.hidden = false;
      box.querySelector("[data-act=reveal]").setAttribute("aria-expanded", "true");
      box.querySelector(".qb-card__reveal").hidden = true;
      box.querySelector(".qb-grades").hidden = false;
      a.focus();
      renderDiagrams(a, q);
      say(view === "mock" ? "Answer shown. Rate yourself: 1 missed it, 2 partly, 3 nailed it." :
        "Answer shown. Grade it: 1 again, 2 hard, 3 good, 4 easy.");
    }
    function grade(g) {
      if (!revealed || view !== "cards") return;
      var id = queue[pos], now = Date.now(), c = review(st.cards[id], g, now, d.spec);
      st.cards[id] = c;
      st.log.push({ id: id, g: g, t: now });
      if (st.log.length > 5000) st.log.splice(0, st.log.length - 5000);
      save();
      if ((settings().mode || "due") === "due") {
        queue.splice(pos, 1);
        if (!queue.length) buildQueue();
      } else pos++;
      counts();
      card(true, GRADES[g - 1] + ": next review in " + fmtLong(c.due - now) + ". ");
    }
    function move(delta) {
      if (view !== "cards" || pos + delta < 0 || pos + delta >= queue.length) return;
      pos += delta;
      card(true);
    }
    function setFilter(key, value) {
      st.settings[key] = value;
      save();
      buildQueue();
      counts();
      card(false);
    }

    // ---- mock interview
    function answered() { return d.questions.filter(function (q) { return q.status === "answered"; }); }
    function mockSetup(msg) {
      var m = st.settings.mock || {}, pool = answered(), chosen = m.topics || d.topics.map(function (t) { return t.id; });
      var per = {};
      pool.forEach(function (q) { per[q.topic] = (per[q.topic] || 0) + 1; });
      pane.innerHTML =
        '<form class="qb-mock-setup" data-form="mock" aria-labelledby="qb-mock-h"><h2 id="qb-mock-h">Mock interview</h2>' +
        "<p>Pick topics, how many questions and the time for each. Answer out loud as you would in the interview, " +
        "then show the answer and rate yourself. The summary links to every question's page.</p>" +
        '<fieldset><legend>Topics</legend><div class="qb-checks">' + d.topics.filter(function (t) { return per[t.id]; }).map(function (t) {
          return '<label><input type="checkbox" name="topic" value="' + esc(t.id) + '"' + (chosen.indexOf(t.id) >= 0 ? " checked" : "") +
            "> " + esc(t.title) + ' <span class="qb-muted">(' + per[t.id] + ")</span></label>";
        }).join("") + '</div><p class="qb-row"><button type="button" class="qb-btn" data-act="mock-all">Select all</button> ' +
        '<button type="button" class="qb-btn" data-act="mock-none">Clear</button></p></fieldset>' +
        '<div class="qb-row"><label>Questions <input type="number" name="count" min="1" max="' + pool.length + '" value="' +
        (m.count || 5) + '" inputmode="numeric"></label><label>Time per question <select name="minutes">' +
        options([1, 2, 3, 5, 10].map(function (n) { return [String(n), plural(n, "minute")]; }), String(m.minutes || 2)) +
        "</select></label></div>" +
        '<p class="qb-error" role="alert" data-error>' + esc(msg || "") + "</p>" +
        '<button type="submit" class="md-button md-button--primary">Start the interview</button></form>';
    }
    function mockStart(form) {
      var topics = [].slice.call(form.querySelectorAll("input[name=topic]:checked")).map(function (i) { return i.value; });
      var count = Math.max(1, parseInt(form.elements.count.value, 10) || 5), minutes = parseInt(form.elements.minutes.value, 10) || 2;
      st.settings.mock = { topics: topics, count: count, minutes: minutes };
      save();
      var pool = shuffle(answered().filter(function (q) { return topics.indexOf(q.topic) >= 0; }));
      if (!pool.length) return mockSetup("Pick at least one topic.");
      mock = { i: 0, limit: minutes * MIN, items: pool.slice(0, count).map(function (q) { return { id: q.id, a: null, ms: 0 }; }) };
      mockQuestion(true);
    }
    function mockQuestion(focus) {
      var it = mock.items[mock.i], q = d.byId[it.id];
      pane.innerHTML =
        '<section class="qb-card qb-mock" aria-labelledby="qb-card-title"><p class="qb-card__meta"><span class="qb-card__pos">Question ' +
        (mock.i + 1) + " of " + mock.items.length + "</span> " + badges(q) +
        ' <span class="qb-timer" role="timer" aria-label="Time left for this question" data-timer></span></p>' +
        '<h2 id="qb-card-title" class="qb-card__q" tabindex="-1">' + esc(q.title) + "</h2>" +
        '<p class="qb-card__reveal"><button type="button" class="md-button md-button--primary" data-act="reveal" ' +
        'aria-expanded="false" aria-controls="qb-card-answer" aria-keyshortcuts="Space">Show answer</button></p>' +
        '<div id="qb-card-answer" class="qb-card__answer" role="region" aria-label="Answer" tabindex="-1" hidden></div>' +
        '<div class="qb-grades qb-grades--mock" role="group" aria-label="How did you do?" hidden>' + ASSESS.map(function (label, i) {
          return '<button type="button" class="qb-grade qb-assess--' + i + '" data-assess="' + i + '" aria-keyshortcuts="' + (i + 1) +
            '"><span>' + label + "</span><small>" + (i + 1) + "</small></button>";
        }).join("") + "</div>" +
        '<div class="qb-card__nav"><button type="button" class="qb-btn" data-act="mock-end">End the interview</button>' +
        '<a href="' + esc(ROOT + q.url) + '">Open the full page</a></div></section>';
      revealed = false;
      it.start = it.start || Date.now();
      clearInterval(tick);
      tick = setInterval(timer, 250);
      timer();
      if (focus) pane.querySelector("#qb-card-title").focus();
      say("Question " + (mock.i + 1) + " of " + mock.items.length + ", " + fmtLong(mock.limit) + ": " + q.title);
    }
    function timer() {
      var it = mock && mock.items[mock.i], t = pane.querySelector("[data-timer]");
      if (!it || !t) return;
      var left = mock.limit - (Date.now() - it.start);
      t.textContent = left >= 0 ? fmtClock(left) : "+" + fmtClock(left);
      t.classList.toggle("qb-timer--over", left < 0);
      if (left < 0 && !it.warned) {
        it.warned = true;
        reveal();
        say("Time is up. The answer is shown; rate yourself: 1 missed it, 2 partly, 3 nailed it.");
      }
    }
    function assess(a) {
      if (!revealed || view !== "mock" || !mock || mock.done) return;
      var it = mock.items[mock.i];
      it.a = a;
      it.ms = Date.now() - it.start;
      if (++mock.i < mock.items.length) mockQuestion(true); else finish();
    }
    function finish() {
      clearInterval(tick);
      var it = mock.items[mock.i];
      if (it && it.a === null && it.start) it.ms = Date.now() - it.start;
      var res = { t: Date.now(), limit: mock.limit, items: mock.items.map(function (x) { return { id: x.id, a: x.a, ms: x.ms }; }) };
      st.mocks.push(res);
      st.mocks = st.mocks.slice(-20);
      save();
      mock.done = res;
      summary(res, true);
    }
    function score(res) {
      var asked = res.items.filter(function (x) { return x.a !== null; });
      var pts = asked.reduce(function (s, x) { return s + x.a; }, 0);
      return { asked: asked.length, pct: asked.length ? Math.round(50 * pts / asked.length) : 0 };
    }
    function summary(res, focus) {
      var n = [0, 0, 0], skipped = 0, total = 0, sc = score(res);
      res.items.forEach(function (x) { if (x.a === null) skipped++; else n[x.a]++; total += x.ms; });
      pane.innerHTML =
        '<section class="qb-summary" aria-labelledby="qb-sum-h"><h2 id="qb-sum-h" tabindex="-1">Interview summary</h2>' +
        '<p class="qb-summary__score" data-score><strong>' + sc.pct + "%</strong> · " + n[2] + " nailed · " + n[1] + " partly · " +
        n[0] + " missed" + (skipped ? " · " + skipped + " not rated" : "") + " · " + fmtClock(total) + " in total</p>" +
        '<div class="qb-scroll"><table class="qb-summary__table"><thead><tr><th scope="col">#</th><th scope="col">Question</th>' +
        '<th scope="col">You</th><th scope="col">Time</th></tr></thead><tbody>' + res.items.map(function (x, i) {
          var q = d.byId[x.id] || { title: x.id, url: "" };
          return "<tr><td>" + (i + 1) + '</td><td><a href="' + esc(ROOT + q.url) + '">' + esc(q.title) + "</a></td><td>" +
            (x.a === null ? "—" : '<span class="qb-chip qb-assess--' + x.a + '">' + ASSESS[x.a] + "</span>") +
            "</td><td>" + (x.ms ? fmtClock(x.ms) : "—") + (x.ms > res.limit ? ' <span class="qb-muted">(over)</span>' : "") + "</td></tr>";
        }).join("") + "</tbody></table></div>" +
        '<p><button type="button" class="md-button md-button--primary" data-act="mock-new">New interview</button></p></section>';
      if (focus) pane.querySelector("#qb-sum-h").focus();
      say("Interview finished. Score " + sc.pct + " percent: " + n[2] + " nailed, " + n[1] + " partly, " + n[0] + " missed.");
    }

    // ---- progress
    function progress(msg) {
      var now = Date.now(), list = answered(), n = stats(list, now), seen = 0, today = new Date();
      today.setHours(0, 0, 0, 0);
      var reviews = st.log.filter(function (l) { return l.t >= today.getTime(); }).length;
      list.forEach(function (q) { if (st.cards[q.id] && st.cards[q.id].reps) seen++; });
      var rows = d.topics.map(function (t) {
        var qs = list.filter(function (q) { return q.topic === t.id; });
        if (!qs.length) return "";
        var s = stats(qs, now), k = qs.length - s["new"];
        return '<tr><th scope="row">' + esc(t.title) + "</th><td>" + k + " / " + qs.length + '<span class="qb-bar" aria-hidden="true">' +
          '<span style="width:' + Math.round(100 * k / qs.length) + '%"></span></span></td><td>' + s.due + "</td></tr>";
      }).join("");
      var mocks = st.mocks.slice(-5).reverse().map(function (m) {
        var sc = score(m);
        return "<li>" + esc(new Date(m.t).toLocaleString()) + ": <strong>" + sc.pct + "%</strong> on " + plural(m.items.length, "question") + "</li>";
      }).join("");
      pane.innerHTML =
        '<h2 id="qb-progress-h">Progress</h2><dl class="qb-counts">' +
        [["New", n["new"]], ["Learning", n.learning], ["Review", n.review], ["Due now", n.due], ["Due within 24 h", n.soon],
          ["Reviews today", reviews]].map(function (p) { return "<div><dt>" + p[0] + "</dt><dd>" + p[1] + "</dd></div>"; }).join("") +
        "</dl><p>You have seen <strong>" + seen + "</strong> of " + list.length + " answered questions.</p>" +
        '<div class="qb-bar qb-bar--big" role="progressbar" aria-label="Questions seen" aria-valuemin="0" aria-valuemax="' +
        list.length + '" aria-valuenow="' + seen + '"><span style="width:' + (list.length ? Math.round(100 * seen / list.length) : 0) +
        '%"></span></div>' +
        '<div class="qb-scroll"><table class="qb-progress"><thead><tr><th scope="col">Topic</th><th scope="col">Seen</th>' +
        '<th scope="col">Due</th></tr></thead><tbody>' + rows + "</tbody></table></div>" +
        "<h3>Mock interviews</h3>" + (mocks ? "<ul>" + mocks + "</ul>" : "<p>None yet.</p>") +
        "<h3>Your progress file</h3><p>Progress is kept only in this browser. Export it to back it up or to move it to " +
        "another device; importing merges it with what is here (for each card the more recent review wins).</p>" +
        '<p class="qb-row"><button type="button" class="md-button" data-act="export">Export progress</button>' +
        '<button type="button" class="md-button" data-act="import">Import progress…</button>' +
        '<input type="file" accept=".json,application/json" data-import hidden>' +
        '<button type="button" class="md-button qb-danger" data-act="reset">Reset progress…</button></p>' +
        '<p role="status" data-msg>' + esc(msg || "") + "</p>";
    }
    function exportProgress() {
      var doc = { format: "qbank-study-progress", schema: SCHEMA, exported: new Date().toISOString(), site: ROOT,
        scheduler: d.spec.name, cards: st.cards, log: st.log, mocks: st.mocks };
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 1)], { type: "application/json" }));
      a.download = "dl-interview-questions-progress-" + new Date().toISOString().slice(0, 10) + ".json";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      say("Progress exported to " + a.download);
    }
    function importFile(file) {
      file.text().then(function (text) {
        var n = importProgress(JSON.parse(text));
        progress("Imported " + plural(n, "card") + " from " + file.name + ".");
      }).catch(function (e) { progress("Could not import " + file.name + ": " + e.message); });
    }

    // ---- events
    el.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b || !el.contains(b)) return;
      if (b.dataset.view) return show(b.dataset.view, false);
      if (b.dataset.grade) return grade(+b.dataset.grade);
      if (b.dataset.assess) return assess(+b.dataset.assess);
      var act = b.dataset.act, boxes = pane.querySelectorAll("input[name=topic]");
      if (act === "reveal") reveal();
      else if (act === "prev") move(-1);
      else if (act === "next") move(1);
      else if (act === "again") { if ((settings().mode || "due") === "due") st.settings.mode = "all"; save(); cardsView(true); }
      else if (act === "mock-all" || act === "mock-none") boxes.forEach(function (i) { i.checked = act === "mock-all"; });
      else if (act === "mock-end") finish();
      else if (act === "mock-new") { mock = null; mockSetup(); pane.querySelector("h2").setAttribute("tabindex", "-1"); pane.querySelector("h2").focus(); }
      else if (act === "export") exportProgress();
      else if (act === "import") pane.querySelector("[data-import]").click();
      else if (act === "reset" && window.confirm("Reset all study progress stored in this browser? This cannot be undone; " +
        "export your progress first to keep a copy.")) {
        st = freshState(st.settings);
        save();
        progress("Progress reset: every card is new again.");
      }
    });
    el.addEventListener("change", function (e) {
      var t = e.target;
      if (t.dataset.set) setFilter(t.dataset.set, t.type === "checkbox" ? t.checked : t.value);
      else if (t.matches("[data-import]") && t.files && t.files[0]) importFile(t.files[0]);
    });
    el.addEventListener("toggle", function (e) {
      if (e.target.matches && e.target.matches(".qb-filters")) { st.settings.filtersClosed = !e.target.open; save(); }
    }, true);
    el.addEventListener("submit", function (e) {
      e.preventDefault();
      if (e.target.dataset.form === "mock") mockStart(e.target);
    });

    this.key = function (key, target) {
      // Space activates a focused button natively (links it would only scroll: those reveal too)
      var control = target && target.closest && target.closest("button, summary, label, [role=button]");
      if (key === " " || key === "Spacebar") {
        if (control || (view !== "cards" && !(view === "mock" && mock && !mock.done))) return false;
        if (revealed) return false;
        reveal();
        return true;
      }
      if (view === "cards" && /^[1-4]$/.test(key) && revealed) { grade(+key); return true; }
      if (view === "mock" && mock && !mock.done && /^[1-3]$/.test(key) && revealed) { assess(+key - 1); return true; }
      if (view === "cards" && (key === "ArrowLeft" || key === "ArrowRight")) { move(key === "ArrowLeft" ? -1 : 1); return true; }
      return false;
    };
    this.refresh = function () { show(view, false); };
    this.destroy = function () { stop(); };
    show(view, false);
  }

  function mount(el) {
    if (el.__qbStudy) return;
    el.__qbStudy = true;
    el.setAttribute("aria-busy", "true");
    loadData().then(function (d) {
      if (!el.isConnected) return;
      if (app) app.destroy();
      app = new App(el, d);
    }, function (err) {
      el.__qbStudy = false;
      el.removeAttribute("aria-busy");
      el.innerHTML = '<p class="qb-error" role="alert">The study mode could not load its data (' + esc(err.message) +
        '). <button type="button" class="md-button">Try again</button></p>';
      el.querySelector("button").addEventListener("click", function () { mount(el); });
    });
  }
  function sync() {
    var el = document.getElementById("qb-study");
    if (app && (!el || app.el !== el)) { app.destroy(); app = null; }
    if (el) mount(el);
  }
  function onKey(e) {
    if (!app || !app.el.isConnected || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    if (app.key(e.key, t)) e.preventDefault();
  }

  window.__qbStudy = { sync: sync, scheduler: scheduler };
  document.addEventListener("keydown", onKey);
  window.addEventListener("storage", function (e) {
    if (e.key === KEY) { st = loadState(); if (app) app.refresh(); }
  });
  function boot() {
    sync();
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(sync);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
  else boot();
})();
