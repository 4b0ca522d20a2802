// The header's menu on phones: the navigation folds behind a 菜单 button. Without this
// script (or on a wide screen) the navigation is simply shown. A file, not inline script:
// the site's Content-Security-Policy runs none.
(() => {
  const button = document.querySelector("[data-menu-toggle]");
  const menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  document.documentElement.classList.add("js-menu");
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
})();
