// The officer's pages kept on the device for the next time there is no network: the
// service worker (/sw.js, portal/views/offline.py) is registered from every signed-in
// page (cases/_outbox.html gives its address), and told to keep the pages again when
// the language changed since it kept them (the copies would be in the one before).
(function () {
  "use strict";
  const banner = document.querySelector("[data-outbox-banner]");
  if (!banner || !("serviceWorker" in navigator) || !banner.dataset.serviceWorker) return;
  navigator.serviceWorker.register(banner.dataset.serviceWorker, { scope: "/" }).catch(() => undefined);
  const language = document.documentElement.lang;
  const KEPT_IN = "cep-outbox-kept-language";
  navigator.serviceWorker.ready
    .then((registration) => {
      if (navigator.onLine === false || localStorage.getItem(KEPT_IN) === language) return;
      if (registration.active) registration.active.postMessage("keep-again");
      localStorage.setItem(KEPT_IN, language);
    })
    .catch(() => undefined);
})();
