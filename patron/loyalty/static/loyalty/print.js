// A button with data-print prints the page (no inline script: the content security policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
