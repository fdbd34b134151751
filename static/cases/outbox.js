// The violation outbox. A violation form that cannot reach the server (no network, a
// dropped connection, a gateway error) is kept on this device in localStorage, one key
// per client_key, and sent again to the same URL when the connection returns ("online"
// event, every page load, and once a minute while something waits). The server is
// idempotent on client_key, so a re-send returns the first violation, never a second.
// The steps after it (a goods line, vehicle, person, company, photo, Submit: the small
// forms of the violation page, violation_steps.js) are entries too, each with the
// violation's page and reference; a photo waits in IndexedDB (localStorage holds text
// only, and little of it). Entries are sent oldest first, so a step follows the steps
// typed before it; once one of a violation's entries needs attention, its later ones
// wait for it (a Submit is not sent past a refused goods line).
// A draft saved without a connection exists only here until it is sent: its page is the
// device's (/violations/on-device/?draft=<its key>), and the steps typed there are entries
// bound to the draft (entry.draft) with the address of a violation 0. Once the draft is
// created, the server's id is recorded (bind) and each later step is sent to that
// violation, in order, once (each with its own key).
// Loaded on every signed-in page with the banner (templates/cases/_outbox.html, a layout
// partial of the cases app) and on the violation form, there before outbox_form.js (the
// form's own sending) and violation_form.js; after outbox_files.js (photos) on both.
// Texts come from data-text-* attributes (translated templates); the CSRF token and the
// time limit from portal/http.js.
(function () {
  "use strict";
  if (window.PortalOutbox) return; // the form page loads this file twice
  const banner = document.querySelector("[data-outbox-banner]");
  if (!banner) return; // not signed in

  const text = banner.dataset;
  // Per user: an entry is only ever sent by the officer who wrote it.
  const PREFIX = "cep-outbox:" + text.outboxUser + ":";
  const FLASH = "cep-outbox-flash";
  const TIMEOUT_MS = 30000; // a request that stalls longer counts as a lost connection
  const STALE_MS = 2 * TIMEOUT_MS; // a "sending" flag older than this was left by a closed page
  const escape = (part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const detailPath = new RegExp("^" + text.detailUrl.split("/0/").map(escape).join("/\\d+/") + "$");
  const busy = new Set(); // keys being sent from this page
  const sent = []; // { url, label } sent from this page, shown in the banner
  const BOUND = "cep-outbox-bound:" + text.outboxUser;
  let flushing = false;
  let flushAgain = false;

  // --- storage ---------------------------------------------------------------------
  function load(key) {
    try {
      return JSON.parse(localStorage.getItem(PREFIX + key));
    } catch (error) {
      return null;
    }
  }
  function save(entry) {
    try {
      localStorage.setItem(PREFIX + entry.key, JSON.stringify(entry));
      return true;
    } catch (error) {
      return false; // storage full or disabled
    }
  }
  function drop(key) {
    const entry = load(key);
    (entry && entry.files ? entry.files : []).forEach((file) => fileDrop(file.store));
    try {
      localStorage.removeItem(PREFIX + key);
    } catch (error) {
      /* nothing stored */
    }
  }

  // --- files (photos): kept in IndexedDB by outbox_files.js ---------------------------
  const files = window.PortalOutboxFiles;
  const fileDrop = files.drop;
  // Keeps the entry with its files; resolves to false when this device could not.
  async function keep(entry, chosen) {
    entry.files = [];
    try {
      for (const [name, file] of chosen || []) {
        const store = PREFIX + entry.key + ":" + name;
        await files.put(store, file);
        entry.files.push({ name: name, store: store, filename: file.name, type: file.type });
      }
    } catch (error) {
      return false;
    }
    return save(entry);
  }
  async function filesOf(entry) {
    const found = [];
    for (const file of entry.files || []) {
      const blob = await files.get(file.store);
      if (!blob) throw new Error("file missing");
      found.push([file.name, blob, file.filename]);
    }
    return found;
  }
  function entries() {
    const list = [];
    try {
      for (let index = 0; index < localStorage.length; index++) {
        const name = localStorage.key(index);
        if (name && name.startsWith(PREFIX)) {
          const entry = load(name.slice(PREFIX.length));
          if (entry && entry.key) list.push(entry);
        }
      }
    } catch (error) {
      /* storage disabled */
    }
    return list.sort((a, b) => a.savedAt - b.savedAt);
  }
  // --- drafts created on the server: their key -> their page ----------------------------
  function boundAll() {
    try {
      return JSON.parse(localStorage.getItem(BOUND)) || {};
    } catch (error) {
      return {};
    }
  }
  function boundOf(draft) {
    return (draft && boundAll()[draft]) || null;
  }
  function bind(draft, url) {
    const path = new URL(url, location.href).pathname;
    if (!detailPath.test(path)) return false;
    const all = boundAll();
    all[draft] = { page: path, at: Date.now() };
    // The last 50 drafts: a step waits for its draft minutes or days, not 50 drafts long.
    const recent = Object.entries(all)
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, 50);
    try {
      localStorage.setItem(BOUND, JSON.stringify(Object.fromEntries(recent)));
    } catch (error) {
      return false; // storage full: the step stays waiting, and says so
    }
    return true;
  }
  // The violation page an entry belongs to: its own, its draft's once created, or the
  // device's page of the draft.
  function pageOf(entry) {
    if (entry.page) return entry.page;
    if (!entry.draft) return null;
    const bound = boundOf(entry.draft);
    return bound ? bound.page : text.onDeviceUrl + "?draft=" + encodeURIComponent(entry.draft);
  }
  // What an entry waits with: the entries of the same violation (or draft) go in order.
  function groupsOf(entry) {
    return [entry.draft, entry.page, entry.key].filter(Boolean);
  }
  // A step of a draft made on this device, before it is sent: "ready" once the draft has
  // its server id (the step's address and page are rewritten to it), "wait" while the
  // draft itself waits, "lost" when the draft is gone without having been sent.
  function resolve(entry) {
    if (!entry.draft || entry.page) return "ready";
    const bound = boundOf(entry.draft);
    if (bound) {
      if (entry.url.startsWith(text.detailUrl)) {
        entry.url = bound.page + entry.url.slice(text.detailUrl.length);
      }
      entry.page = bound.page;
      save(entry);
      return "ready";
    }
    return load(entry.draft) ? "wait" : "lost";
  }

  function sendingElsewhere(entry) {
    return Boolean(entry && entry.sendingSince && Date.now() - entry.sendingSince < STALE_MS);
  }

  // One send per key at a time: in memory for this page, a timestamped flag in storage
  // for the other tabs.
  function claim(key) {
    const entry = load(key);
    if (busy.has(key) || sendingElsewhere(entry)) return false;
    busy.add(key);
    if (entry) {
      entry.sendingSince = Date.now();
      save(entry);
    }
    return true;
  }
  function release(key) {
    busy.delete(key);
    const entry = load(key);
    if (entry && entry.sendingSince) {
      delete entry.sendingSince;
      save(entry);
    }
  }

  // --- sending ---------------------------------------------------------------------
  // Posts the entry as the form would. Resolves to { kind: "sent", url, label, flash },
  // { kind: "invalid", error } (the form came back with errors), { kind: "signin", url }
  // (the session ended) or { kind: "offline" } (no answer, or a gateway/server error).
  async function post(entry) {
    const url = new URL(entry.url, location.href);
    if (url.origin !== location.origin) return { kind: "invalid", error: "" };
    const token = window.PortalHttp.csrfToken(); // the current session's, not the one the form had
    const body = new FormData();
    entry.fields.forEach(([name, value]) => body.append(name, value));
    body.append("csrfmiddlewaretoken", token);
    try {
      (await filesOf(entry)).forEach(([name, blob, filename]) => body.append(name, blob, filename));
    } catch (error) {
      return { kind: "invalid", error: text.textFileLost || "" };
    }
    try {
      const { response, html } = await window.PortalHttp.withTimeout(TIMEOUT_MS, async (signal) => {
        const answer = await fetch(url.href, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          redirect: "follow",
          headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": token },
          signal: signal,
        });
        return { response: answer, html: await answer.text() };
      });
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        return { kind: "offline" };
      }
      const page = new DOMParser().parseFromString(html, "text/html");
      const path = new URL(response.url).pathname;
      if (response.ok && response.redirected && detailPath.test(path)) {
        const heading = page.querySelector("main h1");
        return {
          kind: "sent",
          url: response.url,
          label: (heading && heading.textContent.trim()) || text.textOpenViolation,
          flash: Array.from(page.querySelectorAll("main .messages > li"), (item) => ({
            className: item.className,
            text: item.textContent.trim(),
          })),
        };
      }
      if (response.ok && path !== url.pathname) return { kind: "signin", url: response.url };
      // The page answered with the form again (400 from the violation page's small
      // forms): its messages, and the page itself for the form to show them at the fields.
      const scope = (entry.form && page.getElementById(entry.form)) || page;
      const errors = Array.from(scope.querySelectorAll(".errorlist li, .form-errors li"), (item) => {
        const field = item.closest(".field");
        const label = field && field.querySelector("label, legend");
        const name = label ? label.textContent.replace("*", "").trim() + ": " : "";
        return name + item.textContent.trim();
      });
      return { kind: "invalid", error: errors.join(" "), errors: errorsOf(scope), page: page };
    } catch (error) {
      return { kind: "offline" };
    }
  }

  // The messages of a form the server showed again, by field (name -> messages) and for
  // the form as a whole: kept with the entry, to be put back at its fields when it is
  // reopened (violation_steps.js).
  function errorsOf(scope) {
    const fields = [];
    scope.querySelectorAll(".field--error").forEach((field) => {
      const named = field.querySelector("[name]");
      const messages = Array.from(field.querySelectorAll(".errorlist li"), (item) => item.textContent.trim());
      if (named && messages.length) fields.push([named.name, messages]);
    });
    const form = Array.from(
      scope.querySelectorAll(".form-errors li, #submit-errors li, form > .errorlist li"),
      (item) => (item.querySelector("a[data-error-link]") ? "" : item.textContent.trim())
    ).filter(Boolean);
    return { fields: fields, form: form };
  }

  // After an entry was sent, or answered: returns true when a draft got its server id.
  function settle(entry, result) {
    if (result.kind === "sent") {
      const created = !entry.page && !entry.draft && bind(entry.key, result.url);
      const stored = load(entry.key);
      if (stored && (stored.version || 0) > (entry.version || 0)) {
        // Corrected on this device while this version was on its way: the correction
        // goes too (the server applies a re-send of a draft's first step, see
        // cases.services.violations._resend_apply).
        delete stored.sendingSince;
        save(stored);
        flushAgain = true;
        return created;
      }
      drop(entry.key);
      sent.push({ url: result.url, label: entry.page ? entry.summary : result.label, entry: entry });
      if (formState && formState.key() === entry.key) formState.sent(result);
      return created;
    }
    if (result.kind === "invalid" && formState && formState.key() === entry.key) {
      formState.say(text.textAttention + " " + result.error); // said where the officer looks
    }
    const stored = load(entry.key) || entry;
    stored.state = result.kind === "invalid" ? "attention" : "waiting";
    stored.error = result.kind === "invalid" ? result.error : "";
    stored.errors = result.kind === "invalid" ? result.errors || null : null;
    delete stored.sendingSince;
    save(stored);
    return false;
  }

  // The entry reopened in the violation form on this page (?outbox=<key>) is the
  // officer's to correct: it is not sent behind their back while they type (the page
  // would leave for the violation and lose the correction), only when they save it.
  let editedHere = document.querySelector("form[data-violation-form][data-outbox]")
    ? new URLSearchParams(location.search).get("outbox")
    : null;

  // Sends every waiting entry, one at a time, oldest first; stops at the first lost
  // connection. Entries that need attention wait for the officer to reopen and fix them,
  // and so do the later entries of the same violation or draft. A step of a draft waits
  // for the draft; when a draft was created during a round, the steps that waited for it
  // go in another round.
  async function flush() {
    if (navigator.onLine === false) return;
    if (flushing) {
      flushAgain = true; // something kept during this flush, after its list was taken
      return;
    }
    flushing = true;
    let cut = false; // stopped at a lost connection: what was kept meanwhile waits too
    try {
      let again = true;
      for (let round = 0; again && round < 3; round++) {
        again = false;
        let waited = false;
        let created = false;
        const held = new Set(); // groups (violations, drafts) with an entry before that did not go
        const hold = (entry) => groupsOf(entry).forEach((group) => held.add(group));
        let stopped = false;
        for (const listed of entries()) {
          const edited = listed.key === editedHere;
          if (edited || listed.state === "attention" || groupsOf(listed).some((group) => held.has(group))) {
            hold(listed);
            continue;
          }
          if (!claim(listed.key)) {
            hold(listed);
            continue;
          }
          const current = load(listed.key);
          if (!current) {
            busy.delete(listed.key);
            continue;
          }
          const ready = resolve(current);
          if (ready !== "ready") {
            release(current.key);
            if (ready === "lost") settle(current, { kind: "invalid", error: text.textDraftLost || "" });
            waited = true;
            hold(current);
            continue;
          }
          render();
          const result = await post(current);
          busy.delete(current.key);
          created = settle(current, result) || created;
          if (result.kind === "invalid") hold(current);
          if (result.kind === "offline" || result.kind === "signin") {
            stopped = cut = true;
            break;
          }
        }
        again = !stopped && waited && created;
      }
    } finally {
      flushing = false;
      render();
      // A count of finished flushes, so that the browser tests (tests/e2e) can wait for
      // one to end, even one that had nothing to send.
      banner.dataset.outboxFlushed = String(Number(banner.dataset.outboxFlushed || 0) + 1);
      document.dispatchEvent(new CustomEvent("outbox:flushed"));
      if (flushAgain && !cut) setTimeout(flush, 0);
      flushAgain = false;
    }
  }

  // --- the banner ------------------------------------------------------------------
  function link(href, label) {
    const anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = label;
    return anchor;
  }
  function formLink(entry) {
    const url = new URL(entry.reopen || pageOf(entry) || entry.url, location.href);
    url.searchParams.set("outbox", entry.key);
    return url.pathname + url.search;
  }
  // The entries a violation page shows at its own steps (violation_steps.js): the banner
  // counts them in one line instead of repeating each.
  let shownHere = null;
  function render() {
    const list = entries();
    const items = document.createElement("ul");
    items.className = "messages";
    const here = shownHere ? list.filter(shownHere) : [];
    if (here.length) {
      const item = document.createElement("li");
      const attention = here.some((entry) => entry.state === "attention");
      item.className = "message " + (attention ? "message--warning" : "message--info");
      item.dataset.outboxHere = String(here.length);
      item.textContent = (attention ? text.textAttentionHere : text.textWaitingHere) + " " + here.length;
      items.append(item);
    }
    list.filter((entry) => !here.includes(entry)).forEach((entry) => {
      const item = document.createElement("li");
      item.dataset.outboxEntry = entry.key;
      if (entry.state === "attention") {
        item.className = "message message--warning";
        const why = entry.error ? " " + entry.error : "";
        item.append(text.textAttention + " " + entry.summary + "." + why + " ");
        item.append(link(formLink(entry), text.textOpenForm));
      } else {
        const sending = busy.has(entry.key) || sendingElsewhere(entry);
        item.className = "message message--info";
        item.append((sending ? text.textSending : text.textWaiting) + " " + entry.summary);
        // A draft kept here: its page on the device, to add goods, people and photos.
        const draftPage = draftPageOf(entry);
        if (draftPage && location.pathname + location.search !== draftPage) {
          item.append(" ", link(draftPage, text.textOpenDraft));
        }
      }
      items.append(item);
    });
    sent.forEach((done) => {
      const item = document.createElement("li");
      item.className = "message message--success";
      item.dataset.outboxSent = "";
      item.append(text.textSent + " ", link(done.url, done.label));
      items.append(item);
    });
    // The outbox page (cases/outbox.html) lists the same, or says that nothing waits.
    const listed = document.querySelector("div[data-outbox-page]");
    if (listed) {
      const copy = items.cloneNode(true);
      if (!list.length) {
        const none = document.createElement("p");
        none.textContent = listed.dataset.textEmpty;
        listed.replaceChildren(none, copy);
      } else {
        listed.replaceChildren(copy);
      }
      // Listed on the page: the banner keeps what was sent and the offline note.
      items.querySelectorAll("[data-outbox-entry]").forEach((item) => item.remove());
    }
    if (navigator.onLine === false && text.textOffline) {
      const item = document.createElement("li");
      item.className = "message message--warning";
      item.dataset.outboxOffline = "";
      item.textContent = text.textOffline;
      items.prepend(item);
    }
    banner.replaceChildren(items);
    banner.hidden = !items.children.length;
    document.dispatchEvent(new CustomEvent("outbox:change"));
  }
  function draftPageOf(entry) {
    if (entry.page || entry.draft || entry.kind !== "draft") return null;
    return text.onDeviceUrl + "?draft=" + encodeURIComponent(entry.key);
  }

  // A message the violation page showed to the fetch (e.g. "Draft saved") is shown
  // again on the page the officer is then taken to.
  function showFlash() {
    let flash = null;
    try {
      flash = JSON.parse(sessionStorage.getItem(FLASH));
      sessionStorage.removeItem(FLASH);
    } catch (error) {
      return;
    }
    if (!flash || flash.url !== location.href || !flash.items.length) return;
    if (document.querySelector("main > ul.messages")) return; // the server's own messages
    const list = document.createElement("ul");
    list.className = "messages";
    list.setAttribute("role", "status");
    // A message twice (a lost answer's, never shown, and its re-send's) is said once.
    const said = new Set();
    flash.items.forEach((message) => {
      if (said.has(message.text)) return;
      said.add(message.text);
      const item = document.createElement("li");
      item.className = message.className;
      item.textContent = message.text;
      list.append(item);
    });
    banner.after(list);
  }

  // --- shared with the pages' forms ------------------------------------------------------
  // The violation form (outbox_form.js) registers itself: told when the outbox sent or
  // refused its entry.
  let formState = null;

  function fill(target, entry) {
    const values = {};
    entry.fields.forEach(([name, value]) => (values[name] = values[name] || []).push(value));
    Array.from(target.elements).forEach((control) => {
      if (!control.name || control.name === "csrfmiddlewaretoken") return;
      if (control.type === "submit" || control.type === "button") return;
      const given = values[control.name] || [];
      if (control.type === "checkbox" || control.type === "radio") {
        control.checked = given.includes(control.value);
      } else {
        control.value = given.length ? given[0] : "";
      }
    });
  }

  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // For the violation page's steps (violation_steps.js).
  window.PortalOutbox = {
    flush: flush,
    post: post,
    keep: keep,
    load: load,
    drop: drop,
    claim: claim,
    release: release,
    flash: (url, items) => {
      try {
        sessionStorage.setItem(FLASH, JSON.stringify({ url: url, items: items || [] }));
      } catch (error) {
        /* the page still opens, without the message */
      }
    },
    render: render,
    entries: entries,
    showHere: (belongs) => {
      shownHere = belongs;
      render();
    },
    // The entries sent from this page that ``belongs`` names, taken out of the banner.
    takeSent: (belongs) => {
      const taken = sent.filter((done) => done.entry && belongs(done.entry));
      taken.forEach((done) => sent.splice(sent.indexOf(done), 1));
      return taken;
    },
    boundOf: boundOf,
    pageOf: pageOf,
    formLink: formLink,
    isSending: (entry) => busy.has(entry.key) || sendingElsewhere(entry),
    isBusy: (key) => busy.has(key) || sendingElsewhere(load(key)),
    save: save,
    settle: settle,
    bind: bind,
    draftPageOf: draftPageOf,
    setForm: (state) => {
      formState = state;
    },
    // The officer saved the reopened entry: from now on it goes like any other.
    editingDone: () => {
      editedHere = null;
    },
    fill: fill,
    filesOf: filesOf,
    newKey: newKey,
    text: text,
  };

  // --- start -----------------------------------------------------------------------------
  window.addEventListener("offline", render);
  window.addEventListener("online", render);
  window.addEventListener("online", flush);
  window.addEventListener("storage", (event) => {
    if (!event.key || event.key.startsWith(PREFIX)) render();
  });
  window.addEventListener("pagehide", () => {
    // A send cut short by leaving the page may be retried at once by the next page.
    Array.from(busy).forEach(release);
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  setInterval(() => {
    if (entries().some((entry) => entry.state !== "attention")) flush();
  }, 60000);
  showFlash();
  render();
  flush();
})();
