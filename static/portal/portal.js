// Small behaviours of the base layout: the phone menu toggle, and a question before a
// form marked data-confirm="…" is sent.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle-nav]");
  if (!toggle) return;
  const sidebar = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = sidebar.classList.toggle("is-open");
  toggle.setAttribute("aria-expanded", String(open));
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
  if (!window.confirm(form.dataset.confirm)) event.preventDefault();
});
