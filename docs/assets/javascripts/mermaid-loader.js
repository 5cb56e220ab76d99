/* Material loads mermaid from a CDN if window.mermaid is undefined. This shim
   defines it and, on the first render, imports the self-hosted ES module build
   instead; mermaid then imports only the chunks the page's diagram types need. */
(function (w, d) {
  if (w.mermaid && !(w.mermaid instanceof Element)) return; // re-run, or loaded
  var s = d.currentScript || d.querySelector('script[src*="mermaid-loader"]'),
    url = new URL("../vendor/mermaid/mermaid.esm.min.mjs", s ? s.src : location.href).href,
    cfg, p, tries = 0, shim = {
      initialize: function (c) { cfg = c; },
      render: function (id, code) {
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
      }
    };
  w.mermaid = shim;
})(window, document);
