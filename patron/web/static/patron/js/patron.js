// Patron's own page behaviour, in a file, so that the Content-Security-Policy allows no inline
// script or event handler (patron/web/security.py).
(function () {
  "use strict";

  // The language menu sends its form as soon as a language is chosen.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-submit-on-change]")) {
      event.target.form.submit();
    }
  });

  // Sizes that come from the data (heatmap shades, bar widths) are set through the CSSOM,
  // which the policy allows, rather than in style attributes, which it does not.
  function applySizes(root) {
    root.querySelectorAll("[data-shade]").forEach(function (element) {
      element.style.setProperty("--shade", element.dataset.shade);
    });
    root.querySelectorAll("[data-width]").forEach(function (element) {
      element.style.width = element.dataset.width + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    applySizes(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    applySizes(event.target);
  });
})();
