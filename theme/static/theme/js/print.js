// The certificate's print button. A file, not an onclick attribute: the site's
// Content-Security-Policy runs no inline script.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
