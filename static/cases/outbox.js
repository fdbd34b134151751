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
// Loaded on every signed-in page with the banner (templates/cases/_outbox.html, a layout
// partial of the cases app) and on the violation form, there before violation_form.js
// so that a reopened entry (?outbox=<client_key>) is in the fields when the map starts.
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
  let flushing = false;

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

  // --- files (photos) ------------------------------------------------------------------
  // One IndexedDB record per file, named "<prefix><entry key>:<field>"; the entry in
  // localStorage lists them ({ name, store, filename }).
  function filesDo(mode, work) {
    return new Promise((resolve, reject) => {
      if (!window.indexedDB) throw new Error("IndexedDB is not available");
      const opening = indexedDB.open("cep-outbox-files", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("files");
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const db = opening.result;
        const transaction = db.transaction("files", mode);
        const request = work(transaction.objectStore("files"));
        transaction.oncomplete = () => {
          db.close();
          resolve(request.result);
        };
        transaction.onerror = transaction.onabort = () => {
          db.close();
          reject(transaction.error);
        };
      };
    });
  }
  function fileDrop(name) {
    return filesDo("readwrite", (store) => store.delete(name)).catch(() => undefined);
  }
  // Keeps the entry with its files; resolves to false when this device could not.
  async function keep(entry, files) {
    entry.files = [];
    try {
      for (const [name, file] of files || []) {
        const store = PREFIX + entry.key + ":" + name;
        await filesDo("readwrite", (target) => target.put(file, store));
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
      const blob = await filesDo("readonly", (store) => store.get(file.store));
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
      return { kind: "invalid", error: errors.join(" "), page: page };
    } catch (error) {
      return { kind: "offline" };
    }
  }

  function settle(entry, result) {
    if (result.kind === "sent") {
      drop(entry.key);
      sent.push({ url: result.url, label: entry.page ? entry.summary : result.label });
      if (formState && formState.key() === entry.key) formState.say("");
      return;
    }
    const stored = load(entry.key) || entry;
    stored.state = result.kind === "invalid" ? "attention" : "waiting";
    stored.error = result.kind === "invalid" ? result.error : "";
    delete stored.sendingSince;
    save(stored);
  }

  // Sends every waiting entry, one at a time; stops at the first lost connection.
  // Entries that need attention wait for the officer to reopen and fix them.
  async function flush() {
    if (flushing || navigator.onLine === false) return;
    flushing = true;
    try {
      const held = new Set(); // violation pages with an entry that needs attention
      for (const entry of entries()) {
        if (entry.state === "attention") {
          if (entry.page) held.add(entry.page);
          continue;
        }
        if ((entry.page && held.has(entry.page)) || !claim(entry.key)) continue;
        render();
        const current = load(entry.key);
        if (!current) {
          busy.delete(entry.key);
          continue;
        }
        const result = await post(current);
        busy.delete(entry.key);
        settle(current, result);
        if (result.kind === "invalid" && current.page) held.add(current.page);
        if (result.kind === "offline" || result.kind === "signin") break;
      }
    } finally {
      flushing = false;
      render();
      // A count of finished flushes, so that the browser tests (tests/e2e) can wait for
      // one to end, even one that had nothing to send.
      banner.dataset.outboxFlushed = String(Number(banner.dataset.outboxFlushed || 0) + 1);
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
    const url = new URL(entry.page || entry.url, location.href);
    url.searchParams.set("outbox", entry.key);
    return url.pathname + url.search;
  }
  function render() {
    const list = entries();
    const items = document.createElement("ul");
    items.className = "messages";
    list.forEach((entry) => {
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
    const listed = document.querySelector("[data-outbox-page]");
    if (listed) {
      const copy = items.cloneNode(true);
      if (!list.length) {
        const none = document.createElement("p");
        none.textContent = listed.dataset.textEmpty;
        listed.replaceChildren(none, copy);
      } else {
        listed.replaceChildren(copy);
      }
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
    flash.items.forEach((message) => {
      const item = document.createElement("li");
      item.className = message.className;
      item.textContent = message.text;
      list.append(item);
    });
    banner.after(list);
  }

  // --- the violation form --------------------------------------------------------------
  let formState = null;
  const form = document.querySelector("form[data-violation-form][data-outbox]");
  if (form && form.elements.client_key && form.elements.client_key.value) {
    formState = setUpForm(form);
  }

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

  function entryFrom(target) {
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
    return {
      key: target.elements.client_key.value,
      url: url.pathname + url.search,
      fields: fields,
      summary: [option ? option.textContent.trim() : "", when.replace("T", " ")].filter(Boolean).join(" · "),
      savedAt: Date.now(),
      state: "waiting",
    };
  }

  // The keys of the forms this device saved or sent. The form may be the copy the
  // service worker kept, with the key of an earlier violation in it: that copy gets a new
  // key, or its entry would be taken for a correction of the earlier one.
  function usedKeys() {
    try {
      return JSON.parse(localStorage.getItem("cep-outbox-used:" + text.outboxUser)) || [];
    } catch (error) {
      return [];
    }
  }
  function markUsed(key) {
    try {
      localStorage.setItem("cep-outbox-used:" + text.outboxUser, JSON.stringify([key, ...usedKeys().filter((k) => k !== key)].slice(0, 100)));
    } catch (error) {
      /* storage full: the server still refuses nothing twice */
    }
  }
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function setUpForm(target) {
    const status = target.querySelector("[data-outbox-status]");
    const say = (message) => {
      if (status) status.textContent = message;
    };
    const reopened = new URLSearchParams(location.search).get("outbox");
    const kept = reopened ? load(reopened) : null;
    if (kept) fill(target, kept);
    else if (usedKeys().includes(target.elements.client_key.value)) target.elements.client_key.value = newKey();

    target.addEventListener("submit", async (event) => {
      event.preventDefault();
      const entry = entryFrom(target);
      markUsed(entry.key);
      if (!claim(entry.key)) {
        say(text.textSending + " " + entry.summary);
        return;
      }
      render();
      const result = navigator.onLine === false ? { kind: "offline" } : await post(entry);
      busy.delete(entry.key);
      if (result.kind === "sent") {
        drop(entry.key);
        try {
          sessionStorage.setItem(FLASH, JSON.stringify({ url: result.url, items: result.flash }));
        } catch (error) {
          /* the page still opens, without the message */
        }
        location.assign(result.url);
        return;
      }
      if (result.kind === "invalid") {
        if (load(entry.key)) settle(entry, result);
        render();
        // As before: the server shows the form with its errors.
        target.submit();
        return;
      }
      // Offline, or the session ended: keep the latest version of the entry.
      const saved = save(entry);
      render();
      if (!saved) {
        say(status ? status.dataset.textNotSaved : "");
        return;
      }
      if (result.kind === "signin") {
        location.assign(result.url); // signed in again, the next page load sends it
        return;
      }
      say(status ? status.dataset.textSaved : "");
    });

    return { key: () => target.elements.client_key.value, say: say };
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
    fill: fill,
    filesOf: filesOf,
    newKey: newKey,
    text: text,
  };

  // --- start -----------------------------------------------------------------------------
  // The pages kept on the device for the next time there is no network.
  if ("serviceWorker" in navigator && text.serviceWorker) {
    navigator.serviceWorker.register(text.serviceWorker, { scope: "/" }).catch(() => undefined);
  }
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
