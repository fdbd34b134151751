// The import's result page while its job runs: asks the API for the import's state every
// two seconds and reloads the page (counts, progress, error report) when it changes.
const root = document.querySelector("[data-import-poll]");
if (root) {
  const url = root.dataset.importPoll;
  let last = root.dataset.importState;
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const body = await response.json();
        const state = `${body.status}:${body.rows_read}:${body.entities_created}`;
        if (state !== last) {
          last = state;
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The portal is out of reach for a moment: try again at the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
