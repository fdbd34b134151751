// The violation form through the outbox (outbox.js): the first step of a new violation,
// or a correction from the Edit page. Posted at once; with no answer (no network, a
// dropped connection, a gateway error) kept on this device and sent again when the
// connection returns. A new draft kept here opens its page on the device
// (/violations/on-device/?draft=<key>), where its goods, people, vehicles, photos and
// Submit are kept too. A correction saved again after its answer was lost gets a key of
// its own (the server takes a re-send of a key as done) and replaces the waiting one.
// Loaded after outbox.js and before violation_form.js, so that a reopened entry
// (?outbox=<client_key>) is in the fields when the map starts. Texts from the outbox's
// banner and from the form's status ([data-outbox-status]).
(function () {
  "use strict";
  const outbox = window.PortalOutbox;
  const target = document.querySelector("form[data-violation-form][data-outbox]");
  if (!outbox || !target || !target.elements.client_key || !target.elements.client_key.value) return;
  const text = outbox.text;
  const keyField = target.elements.client_key;
  const edit = target.dataset.outboxViolation || "";
  const status = target.querySelector("[data-outbox-status]");
  const say = (message) => {
    if (status) status.textContent = message;
  };

  function entryFrom() {
    const fields = [];
    new FormData(target).forEach((value, name) => {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    const url = new URL(target.action, location.href);
    url.searchParams.delete("outbox");
    // The category is a row of chips: the chosen chip's label names it.
    const chip = target.querySelector("input[name=category]:checked");
    const option = chip ? chip.closest("label") : null;
    const when = target.elements.occurred_at ? target.elements.occurred_at.value : "";
    const facts = [option ? option.textContent.trim() : "", when.replace("T", " ")].filter(Boolean).join(" · ");
    return {
      key: keyField.value,
      url: url.pathname + url.search,
      // A correction belongs to its violation's page (it goes in order with its steps)
      // and is reopened on the Edit page; a new draft has a page on the device.
      kind: edit ? "update" : "draft",
      page: edit || undefined,
      reopen: edit ? url.pathname : undefined,
      fields: fields,
      summary: edit ? target.dataset.outboxSummary : facts,
      savedAt: Date.now(),
      version: Date.now(),
      state: "waiting",
    };
  }

  // The keys of the forms this device saved or sent. The form may be the copy the
  // service worker kept, with the key of an earlier violation in it: that copy gets a new
  // key, or its entry would be taken for a correction of the earlier one.
  const USED = "cep-outbox-used:" + text.outboxUser;
  function usedKeys() {
    try {
      return JSON.parse(localStorage.getItem(USED)) || [];
    } catch (error) {
      return [];
    }
  }
  function markUsed(key) {
    try {
      localStorage.setItem(USED, JSON.stringify([key, ...usedKeys().filter((k) => k !== key)].slice(0, 100)));
    } catch (error) {
      /* storage full: the server still refuses nothing twice */
    }
  }

  // Offline, the draft's page opens only once the service worker keeps it (else the
  // officer stays here, the draft kept, rather than on an error page).
  async function draftPageOpens() {
    try {
      if (window.caches && (await caches.match(text.onDeviceUrl))) return true;
    } catch (error) {
      /* no cache: as if not kept */
    }
    return navigator.onLine !== false;
  }

  function goTo(result) {
    say("");
    outbox.flash(result.url, result.flash);
    location.assign(result.url);
  }

  const reopened = new URLSearchParams(location.search).get("outbox");
  const kept = reopened ? outbox.load(reopened) : null;
  if (kept) outbox.fill(target, kept);
  else if (usedKeys().includes(keyField.value)) keyField.value = outbox.newKey();

  target.addEventListener("submit", async (event) => {
    event.preventDefault();
    outbox.editingDone();
    const previous = outbox.load(keyField.value);
    if (outbox.isBusy(keyField.value)) {
      if (edit) {
        say(text.textSending + " " + (previous ? previous.summary : ""));
        return;
      }
      // The version before is on its way: this one is kept in its place and goes next
      // (the server applies a draft's first step sent again, _resend_apply).
      const corrected = entryFrom();
      if (previous) corrected.savedAt = previous.savedAt;
      outbox.save(corrected);
      say(text.textSending + " " + corrected.summary);
      outbox.flush();
      return;
    }
    // A correction saved again after its answer was lost: the server may have taken the
    // first version under that key, and would take this one for a re-send of it.
    if (edit && (previous || usedKeys().includes(keyField.value))) {
      if (previous) outbox.drop(previous.key);
      keyField.value = outbox.newKey();
    }
    const entry = entryFrom();
    if (previous) entry.savedAt = previous.savedAt; // a corrected entry keeps its place
    markUsed(entry.key);
    if (!outbox.claim(entry.key)) {
      say(text.textSending + " " + entry.summary);
      return;
    }
    outbox.render();
    const result = navigator.onLine === false ? { kind: "offline" } : await outbox.post(entry);
    outbox.release(entry.key);
    if (result.kind === "sent") {
      if (!edit) outbox.bind(entry.key, result.url);
      const stored = outbox.load(entry.key);
      if (stored && (stored.version || 0) > entry.version) {
        outbox.flush(); // corrected while this one was on its way: the correction goes too
        return;
      }
      outbox.drop(entry.key);
      goTo(result);
      return;
    }
    if (result.kind === "invalid") {
      if (outbox.load(entry.key)) outbox.settle(entry, result);
      outbox.render();
      // As before: the server shows the form with its errors.
      target.submit();
      return;
    }
    // Offline, or the session ended: keep the latest version of the entry.
    const saved = outbox.save(entry);
    outbox.render();
    if (!saved) {
      say(status ? status.dataset.textNotSaved : "");
      return;
    }
    if (result.kind === "signin") {
      location.assign(result.url); // signed in again, the next page load sends it
      return;
    }
    say(status ? status.dataset.textSaved : "");
    if (!edit && (await draftPageOpens())) location.assign(outbox.draftPageOf(entry));
  });

  // This form's entry sent or refused by the outbox while the form is open.
  outbox.setForm({ key: () => keyField.value, say: say, sent: goTo });
})();
