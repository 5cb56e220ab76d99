/* Material loads mermaid from a CDN if window.mermaid is undefined. This shim
   defines it and, on the first render, imports the self-hosted ES module build
   instead; mermaid then imports only the chunks the page's diagram types need.
   Material asks for every diagram as soon as a page is shown: the work (the import,
   mermaid's parsing and layout) waits until the diagram's <pre class="mermaid"> is
   200px from the viewport (at once where there is no such element, e.g. study cards). */
(function (w, d) {
  if (w.mermaid && !(w.mermaid instanceof Element)) return; // re-run, or loaded
  var s = d.currentScript || d.querySelector('script[src*="mermaid-loader"]'),
    url = new URL("../vendor/mermaid/mermaid.esm.min.mjs", s ? s.src : location.href).href,
    IO = w.IntersectionObserver, cfg, p, tries = 0;
  function near(code) {
    var el = IO && [].find.call(d.querySelectorAll(".mermaid"), function (e) { return !e.qbSeen && e.textContent == code; });
    return new Promise(function (ok) {
      if (!el) return ok();
      el.qbSeen = 1;
      var io = new IO(function (es) { if (es.some(function (e) { return e.isIntersecting; })) io.disconnect(ok()); },
        { rootMargin: "200px" });
      io.observe(el);
    });
  }
  w.mermaid = {
    initialize: function (c) { cfg = c; },
    render: function (id, code) {
      return near(code).then(function () {
        // a failed import stays failed for its URL: a retry asks for a new one
        p = p || import(url + (tries ? "?retry=" + tries : "")).then(function (mod) {
          var m = mod && mod.default;
          if (!m || !m.render) throw new Error("mermaid missing in " + url);
          m.initialize(cfg || { startOnLoad: false });
          return m;
        }).catch(function (e) {
          p = null; tries++;
          throw new Error("cannot load " + url + ": " + (e && e.message));
        });
        return p.then(function (m) { return m.render(id, code); });
      });
    }
  };
})(window, document);
