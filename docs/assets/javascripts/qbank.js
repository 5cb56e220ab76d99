/* Small site behaviours. Re-bound on every page, including after instant navigation. */
(function () {
  function bind() {
    document.querySelectorAll("[data-qb-open-search]").forEach(function (button) {
      if (button.dataset.qbBound) return;
      button.dataset.qbBound = "1";
      button.addEventListener("click", function () {
        var toggle = document.getElementById("__search");
        if (toggle) toggle.checked = true;
        var input = document.querySelector(".md-search__input");
        if (input) input.focus();
      });
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(bind);
  else document.addEventListener("DOMContentLoaded", bind);
})();
