// Small behaviours of the base layout: the phone menu toggle, and a question before a
// form marked data-confirm="…" is sent.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle-nav]");
  if (!toggle) return;
  const sidebar = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = sidebar.classList.toggle("is-open");
  toggle.setAttribute("aria-expanded", String(open));
});
// What a button shows, without the words only screen readers get ("Withdraw", not
// "Withdraw Wanted: white van").
function visibleText(button) {
  if (!button) return "";
  const copy = button.cloneNode(true);
  copy.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
  return copy.textContent.trim();
}

// The question is the portal's own dialog (base.html), not the browser's, whose buttons
// read "OK" and "Cancel": "Cancel" on the button that keeps a notice is the opposite of
// what it does. Its yes-button says what the form's own button says ("Withdraw").
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
  if (form.dataset.confirmed === "yes") {
    delete form.dataset.confirmed;
    return;
  }
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    return;
  }
  event.preventDefault();
  const submitter = event.submitter || form.querySelector("[type=submit]");
  dialog.querySelector("[data-confirm-text]").textContent = form.dataset.confirm;
  dialog.querySelector("[data-confirm-yes]").textContent = visibleText(submitter) || "OK";
  dialog.returnValue = "";
  dialog.addEventListener(
    "close",
    () => {
      if (dialog.returnValue !== "confirm") return;
      form.dataset.confirmed = "yes";
      if (submitter && submitter.form === form) form.requestSubmit(submitter);
      else form.requestSubmit();
    },
    { once: true }
  );
  dialog.showModal();
});

// On the sign-in page nobody is signed in: the pages the service worker kept on this
// device for the last person (portal/views/offline.py) are deleted. What waits in the
// outbox stays: it is that person's, and is sent when they sign in again.
if (document.querySelector("[data-forget-offline-pages]") && window.caches) {
  caches.keys().then((names) => names.filter((name) => name.startsWith("cep-pages-")).forEach((name) => caches.delete(name)));
}
