/* Material loads mermaid from a CDN if window.mermaid is undefined. This shim
   defines it and, on the first render, loads the self-hosted copy instead. */
(function (w, d) {
  if (w.mermaid && !(w.mermaid instanceof Element)) return; // re-run, or loaded
  var s = d.currentScript || d.querySelector('script[src*="mermaid-loader"]'),
    url = new URL("../vendor/mermaid/mermaid.min.js", s ? s.src : location.href).href,
    cfg, p, shim = {
      initialize: function (c) { cfg = c; },
      render: function (id, code) {
        p = p || new Promise(function (ok, fail) {
          var e = d.createElement("script");
          e.src = url;
          e.onload = function () {
            var m = w.mermaid;
            if (m && m !== shim && m.render) {
              m.initialize(cfg || { startOnLoad: false });
              ok(m);
            } else fail(new Error("mermaid missing in " + url));
          };
          e.onerror = function () {
            e.remove(); p = null;
            fail(new Error("cannot load " + url));
          };
          d.head.appendChild(e);
        });
        return p.then(function (m) { return m.render(id, code); });
      }
    };
  w.mermaid = shim;
})(window, document);
