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

  // A folded form (details marked data-opens-on-choice, such as the customer list's bulk bar)
  // opens when a row is chosen by a check box that belongs to it.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked || !box.form) {
      return;
    }
    var folded = box.form.closest("details[data-opens-on-choice]");
    if (folded) {
      folded.open = true;
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

  // A table marked "cards" shows each row as a card on a phone (patron.css): each cell is
  // labelled with its column's name, and empty cells are left out of the card.
  function labelCards(root) {
    root.querySelectorAll("table.cards").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          cell.dataset.label = names[index] || "";
          if (!cell.textContent.trim() && !cell.querySelector("input, select, button, img")) {
            cell.dataset.empty = "";
          }
        });
      });
      table.dataset.labelled = "";
    });
  }

  // The main menu on a phone folds behind its button: a click (or Enter, Space) opens and
  // closes it, Escape closes it and gives the focus back to the button.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (toggle) {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    }
  });
  document.addEventListener("keydown", function (event) {
    var toggle = document.querySelector('.menu-toggle[aria-expanded="true"]');
    if (event.key === "Escape" && toggle && toggle.parentNode.contains(document.activeElement)) {
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    applySizes(document);
    labelCards(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    applySizes(event.target);
    labelCards(event.target);
  });
})();
