/* Small site behaviours. Re-bound on every page, including after instant navigation. */
(function () {
  // Resolved once, now: after instant navigation a relative src would resolve against the
  // new page's URL (Material keeps this <script> element across pages).
  var BASE = new URL(document.currentScript.src, location.href);
  function bind() {
    // "Search the questions": a link to the topics (without script), opens search with it.
    document.querySelectorAll(".qb-open-search").forEach(function (link) {
      if (link.dataset.qbBound) return;
      link.dataset.qbBound = "1";
      link.setAttribute("role", "button");
      link.addEventListener("click", function (event) {
        var toggle = document.getElementById("__search");
        if (!toggle) return;
        event.preventDefault();
        toggle.checked = true;
        var input = document.querySelector(".md-search__input");
        if (input) input.focus();
      });
    });
    // The study page's script and styles are fetched only where the study page is, also
    // after instant navigation (page content carries no <script>: it goes through the gate).
    var study = document.getElementById("qb-study");
    if (study && !window.__qbStudyLoading) {
      window.__qbStudyLoading = true;
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = new URL("../stylesheets/study.css", BASE).href;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = new URL("study.js", BASE).href;
      document.body.appendChild(script);
    }
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(bind);
  else document.addEventListener("DOMContentLoaded", bind);
})();
