// The small forms of the violation page (goods line, vehicle, person, company, photo,
// Submit) on a weak network. Each is sent through the outbox (outbox.js): kept on this
// device first (a photo in IndexedDB), then posted; the server's answer decides.
// - done: the page again at the form's section, with the server's message;
// - refused (400, the page with the form and its errors): the messages are put at the
//   fields of this form as typed, the first one brought into view; nothing is kept;
// - no answer (offline, a dropped connection, a gateway error): the entry stays in the
//   outbox, which sends it when the connection returns, after the entries before it;
//   the form is emptied for the next one, with a new key.
// A step typed while earlier ones of the same violation still wait joins the queue
// behind them instead of overtaking them. On the page of a draft kept only on this
// device (/violations/on-device/?draft=<key>, [data-on-device]) every step joins the
// queue: it goes once the draft is created, to the draft's server id (outbox.js).
// Each section lists what of it waits on the device, with its state; a step the server
// refused when the outbox sent it comes back in its form as typed, each message at its
// field.
// Each form carries the device's key (client_key): a re-send of a write whose answer was
// lost returns the first result on the server, never a second line. What is typed is kept
// for the session (sessionStorage), key included, so that a reload or going back neither
// loses the HS code nor makes the same line twice. Texts from data-text-* ([data-steps]).
(function () {
  "use strict";
  const outbox = window.PortalOutbox;
  const steps = document.querySelector("[data-steps]");
  const forms = Array.from(document.querySelectorAll("form[data-outbox-step]"));
  if (!steps) return;
  const text = steps.dataset;
  const onDevice = "onDevice" in text;
  const draftKey = onDevice ? new URLSearchParams(location.search).get("draft") || "" : "";
  const TYPED = "cep-typed:" + (onDevice ? "draft:" + draftKey : location.pathname) + ":";

  // The error brought into view: after the server showed the page again with its errors
  // (no script path, or a form sent before this script ran) as after a refused send.
  function showFirstError(root) {
    // The field itself before the form's summary: its control is what gets the focus.
    const error =
      root.querySelector(".field--error") ||
      root.querySelector(".form-errors, #submit-errors, [data-step-errors]");
    if (!error) return;
    const details = error.closest("details");
    if (details) details.open = true;
    error.scrollIntoView({ block: "center" });
    const control = error.querySelector("input:not([type=hidden]), select, textarea");
    if (control) control.focus({ preventScroll: true });
  }
  showFirstError(document);
  if (!outbox || !forms.length) return;

  const keyOf = (form) => form.querySelector("input[type=hidden][name$=client_key]");

  function statusOf(form) {
    let status = form.querySelector("[data-step-status]");
    if (!status) {
      status = document.createElement("p");
      status.className = "help";
      status.setAttribute("role", "status");
      status.dataset.stepStatus = "";
      form.append(status);
    }
    return status;
  }
  const say = (form, message) => (statusOf(form).textContent = message);

  // --- which entries are this page's ------------------------------------------------------
  const kindOf = (entry) => entry.kind || (entry.page ? "" : "draft");
  function belongsHere(entry) {
    if (onDevice) return entry.key === draftKey || entry.draft === draftKey;
    if (entry.page === location.pathname) return true;
    const bound = entry.draft && outbox.boundOf(entry.draft);
    return Boolean(bound && bound.page === location.pathname);
  }
  const waitingHere = () => outbox.entries().filter(belongsHere);

  // --- what is typed, kept for the session -----------------------------------------------
  function typedFields(form) {
    const fields = [];
    new FormData(form).forEach((value, name) => {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }
  function remember(form) {
    try {
      sessionStorage.setItem(TYPED + form.id, JSON.stringify(typedFields(form)));
    } catch (error) {
      /* not kept: the form still works */
    }
  }
  function forget(form) {
    try {
      sessionStorage.removeItem(TYPED + form.id);
    } catch (error) {
      /* nothing kept */
    }
  }
  // Returns whether the form was filled again.
  function restore(form) {
    // The server's own version of the form (shown again with its errors) wins.
    if (form.querySelector(".field--error, .form-errors")) return true;
    let fields = null;
    try {
      fields = JSON.parse(sessionStorage.getItem(TYPED + form.id));
    } catch (error) {
      return false;
    }
    if (!fields || !fields.length) return false;
    outbox.fill(form, { fields: fields });
    form.dataset.typed = "";
    const details = form.closest("details");
    if (details) details.open = true;
    return true;
  }
  // Typed into by the officer since it was last emptied or reopened.
  const isTyped = (form) => "typed" in form.dataset;

  // --- an entry of the outbox ---------------------------------------------------------------
  function labelOf(form) {
    const shown = Array.from(form.querySelectorAll("input[type=text], input:not([type])"))
      .map((input) => input.value.trim())
      .filter(Boolean)
      .slice(0, 2);
    const file = form.querySelector("input[type=file]");
    if (file && file.files && file.files[0]) shown.unshift(file.files[0].name);
    return [form.dataset.outboxSummary, shown.join(" ")].filter(Boolean).join(" · ");
  }
  function draftSummary() {
    const draft = outbox.load(draftKey);
    return draft ? draft.summary : "";
  }
  function entryOf(form) {
    const url = new URL(form.action, location.href);
    const label = labelOf(form);
    const where = onDevice ? draftSummary() : text.reference;
    return {
      key: keyOf(form).value,
      url: url.pathname,
      // A step of a draft on this device has no page of its own until the draft is
      // created: outbox.js gives it the draft's, and its address, then.
      page: onDevice ? undefined : location.pathname,
      draft: onDevice ? draftKey : undefined,
      form: form.id,
      kind: form.dataset.outboxStep,
      fields: typedFields(form),
      label: label,
      summary: [label, where].filter(Boolean).join(" · "),
      savedAt: Date.now(),
      state: "waiting",
    };
  }
  function filesIn(form) {
    const files = [];
    form.querySelectorAll("input[type=file]").forEach((input) => {
      Array.from(input.files || []).forEach((file) => files.push([input.name, file]));
    });
    return files;
  }

  // --- messages at the fields -----------------------------------------------------------------
  function clearErrors(form) {
    form.querySelectorAll(".form-errors, :scope > .errorlist, [data-step-errors]").forEach((old) => old.remove());
    form.querySelectorAll(".field--error").forEach((field) => field.classList.remove("field--error"));
    form.querySelectorAll(".field .errorlist").forEach((old) => old.remove());
    form.querySelectorAll("[aria-invalid]").forEach((control) => control.removeAttribute("aria-invalid"));
  }

  // The server's messages put at the fields of the form as typed (nothing replaced, so
  // the lookups bound to the controls keep working).
  function showErrors(form, page) {
    const fresh = page && page.getElementById(form.id);
    if (!fresh) return false;
    form.querySelectorAll(".form-errors, :scope > .errorlist").forEach((old) => old.remove());
    fresh.querySelectorAll(".form-errors, :scope > .errorlist").forEach((list) => {
      form.querySelector("input[name=csrfmiddlewaretoken]").after(document.importNode(list, true));
    });
    fresh.querySelectorAll(".field").forEach((freshField) => {
      const named = freshField.querySelector("[name]");
      const control = named && form.querySelector('[name="' + CSS.escape(named.name) + '"]');
      const field = control && control.closest(".field");
      if (!field) return;
      const failed = freshField.classList.contains("field--error");
      field.classList.toggle("field--error", failed);
      field.querySelectorAll(".errorlist").forEach((old) => old.remove());
      const list = freshField.querySelector(".errorlist");
      if (list) {
        field.append(document.importNode(list, true));
        if (list.id) control.setAttribute("aria-describedby", list.id);
      }
      if (failed) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    });
    showFirstError(form);
    return true;
  }

  // The messages kept with a refused entry ({ fields: [[name, messages]], form: [...] },
  // outbox.js), put at the fields of its form.
  function applyErrors(form, errors) {
    clearErrors(form);
    const general = (errors.form || []).slice();
    (errors.fields || []).forEach(([name, messages], index) => {
      const control = form.querySelector('[name="' + CSS.escape(name) + '"]');
      const field = control && control.closest(".field");
      if (!field) {
        general.push(...messages);
        return;
      }
      const list = document.createElement("ul");
      list.className = "errorlist";
      list.id = form.id + "-error-" + index;
      messages.forEach((message) => {
        const item = document.createElement("li");
        item.textContent = message;
        list.append(item);
      });
      field.classList.add("field--error");
      field.append(list);
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", list.id);
    });
    if (general.length) {
      const list = document.createElement("ul");
      list.className = "errorlist";
      list.setAttribute("role", "alert");
      list.dataset.stepErrors = "";
      general.forEach((message) => {
        const item = document.createElement("li");
        item.textContent = message;
        list.append(item);
      });
      form.querySelector("input[name=csrfmiddlewaretoken]").after(list);
    }
    showFirstError(form);
  }

  function clearForNext(form) {
    form.reset();
    keyOf(form).value = outbox.newKey();
    forget(form);
    form.querySelectorAll("input, select, textarea").forEach((control) => {
      control.dispatchEvent(new Event("input", { bubbles: true }));
    });
    forget(form); // the input events above remembered the empty form
    delete form.dataset.typed;
    delete form.dataset.reopened;
  }

  // An entry put back in its form as it was typed: its fields, its photo, its messages.
  function reopen(form, entry) {
    outbox.fill(form, entry);
    form.dataset.reopened = entry.key;
    delete form.dataset.typed;
    outbox.filesOf(entry).then(
      (files) => {
        files.forEach(([name, blob, filename]) => {
          const input = form.querySelector('input[type=file][name="' + CSS.escape(name) + '"]');
          if (!input) return;
          const chosen = new DataTransfer();
          chosen.items.add(new File([blob], filename, { type: blob.type }));
          input.files = chosen.files;
        });
      },
      () => undefined
    );
    const details = form.closest("details");
    if (details) details.open = true;
    const upload = form.querySelector("[data-upload-button]");
    if (upload) upload.hidden = false; // the file is back on the form: sent with the button
    if (entry.errors && (entry.errors.fields.length || entry.errors.form.length)) {
      applyErrors(form, entry.errors);
      say(form, "");
    } else {
      say(form, entry.error || "");
      form.scrollIntoView({ block: "center" });
    }
  }

  // A step the outbox sent and the server refused: back in its form, unless the officer
  // is typing another one there.
  function reopenRefused() {
    waitingHere()
      .filter((entry) => entry.state === "attention" && entry.form)
      .forEach((entry) => {
        const form = document.getElementById(entry.form);
        if (!form || form.dataset.reopened || isTyped(form)) return;
        reopen(form, entry);
      });
  }

  // --- what waits, shown in each section ------------------------------------------------------
  function itemOf(entry) {
    const state = entry.state === "attention" ? "attention" : outbox.isSending(entry) ? "sending" : "waiting";
    const item = document.createElement("li");
    item.className = "step-queue__item step-queue__item--" + state;
    item.dataset.stepEntry = entry.key;
    item.dataset.state = state;
    const badge = document.createElement("span");
    badge.className = "badge " + { attention: "badge--warn", sending: "badge--info", waiting: "" }[state];
    badge.textContent = {
      attention: text.textStateAttention,
      sending: text.textStateSending,
      waiting: text.textStateWaiting,
    }[state];
    const what = document.createElement("span");
    what.textContent = kindOf(entry) === "draft" || !entry.label ? entry.summary : entry.label;
    item.append(badge, " ", what);
    if (state === "attention") {
      if (entry.error) {
        const why = document.createElement("span");
        why.className = "step-queue__why";
        why.textContent = entry.error;
        item.append(" ", why);
      }
      const fix = document.createElement("a");
      fix.href = outbox.formLink(entry);
      fix.textContent = text.textFix;
      item.append(" ", fix);
    }
    return item;
  }
  function renderQueues() {
    const here = waitingHere();
    document.querySelectorAll("[data-step-queue]").forEach((list) => {
      const kinds = list.dataset.stepQueue.split(" ");
      const items = here.filter((entry) => kinds.includes(kindOf(entry))).map(itemOf);
      list.replaceChildren(...items);
      list.hidden = !items.length;
    });
    if (onDevice) {
      const status = document.querySelector("[data-draft-status]");
      const draft = outbox.load(draftKey);
      if (status) {
        let said = "";
        if (draft && draft.state !== "attention") {
          said = navigator.onLine !== false && outbox.isSending(draft) ? text.textSending : text.textSaved;
        }
        status.textContent = said;
      }
    }
  }

  // --- sending --------------------------------------------------------------------------------
  async function send(form) {
    const entry = entryOf(form);
    const previous = outbox.load(entry.key);
    if (previous && outbox.isSending(previous)) {
      say(form, text.textSending);
      return;
    }
    entry.version = Date.now();
    if (previous) entry.savedAt = previous.savedAt; // a step corrected keeps its place
    const files = filesIn(form);
    const kept = await outbox.keep(entry, files);
    if (!kept && navigator.onLine === false) {
      say(form, text.textNotSaved);
      return;
    }
    if (!kept) {
      if (onDevice) say(form, text.textNotSaved); // nowhere to send it without its draft
      else form.submit(); // this device cannot keep it: sent as a plain form
      return;
    }
    // Behind what waits of the same violation (or on a draft's page on the device): in
    // the queue, never ahead of it.
    const behind = waitingHere().some((other) => other.key !== entry.key && other.savedAt <= entry.savedAt);
    if (onDevice || behind) {
      clearForNext(form);
      say(form, navigator.onLine === false ? text.textSaved : text.textQueued);
      outbox.render();
      outbox.flush();
      return;
    }
    if (!outbox.claim(entry.key)) {
      say(form, text.textSending);
      return;
    }
    say(form, text.textSending);
    outbox.render();
    const result = navigator.onLine === false ? { kind: "offline" } : await outbox.post(entry);
    outbox.release(entry.key);
    if (result.kind === "sent") {
      outbox.drop(entry.key);
      forget(form);
      const section = form.closest("section[id]");
      const target = new URL(result.url, location.href);
      target.hash = section ? section.id : "";
      outbox.flash(target.href, result.flash);
      if (target.pathname === location.pathname) {
        history.replaceState(null, "", target.pathname + target.search + target.hash);
        location.reload();
      } else {
        location.assign(target.href);
      }
      return;
    }
    if (result.kind === "invalid") {
      outbox.drop(entry.key);
      outbox.render();
      say(form, "");
      if (!showErrors(form, result.page)) say(form, result.error);
      return;
    }
    // No answer, or the session ended: the entry waits in the outbox.
    outbox.render();
    clearForNext(form);
    say(form, text.textSaved);
    if (result.kind === "signin") location.assign(result.url);
  }

  // --- the page of a draft on this device -------------------------------------------------------
  // Its header from the kept draft; the forms' keys drawn here (the page itself is the
  // same for every draft, kept by the service worker with the keys it was served with).
  function setUpDraftPage() {
    const draft = outbox.load(draftKey);
    const bound = outbox.boundOf(draftKey);
    if (!draft && bound && !waitingHere().length) {
      location.replace(bound.page); // created, and nothing of it waits: the server's page
      return false;
    }
    if (!draft && !bound) {
      document.querySelector("[data-draft-missing]").hidden = false;
      document.querySelectorAll("[data-draft-found], [data-draft-actions], [data-draft-steps]").forEach((part) => {
        part.hidden = true;
      });
      return false;
    }
    document.querySelector("[data-draft-summary]").textContent = draft ? draft.summary : "";
    const edit = document.querySelector("[data-draft-edit]");
    if (draft) edit.href = outbox.formLink(draft);
    else edit.hidden = true;
    return true;
  }

  // Once the draft is created and nothing of it waits any more, the officer goes on on
  // the server's page of the violation (unless typing a step here, which then goes from
  // here, to the same violation).
  function leaveDraftPage() {
    const bound = outbox.boundOf(draftKey);
    if (!bound || waitingHere().length || forms.some(isTyped)) return;
    outbox.flash(new URL(bound.page, location.href).href, [
      { className: "message message--success", text: text.textAllSent || "" },
    ]);
    location.replace(bound.page);
  }

  if (onDevice && !setUpDraftPage()) return;

  forms.forEach((form) => {
    const restored = restore(form);
    if (onDevice && !restored) keyOf(form).value = outbox.newKey();
    form.addEventListener("input", (event) => {
      if (event.isTrusted) form.dataset.typed = "";
      remember(form);
    });
    form.addEventListener("change", (event) => {
      if (event.isTrusted) form.dataset.typed = "";
      remember(form);
    });
    form.addEventListener("submit", (event) => {
      if (!keyOf(form)) return; // a form without a key goes as it is
      event.preventDefault();
      send(form);
    });
  });

  // A photo is sent as soon as it is picked (one tap fewer than picking, then Upload);
  // a file over the size limit is not (violation_detail.js says so at the field). The
  // Upload button stays for a page without the script.
  forms
    .filter((form) => form.hasAttribute("data-send-on-pick"))
    .forEach((form) => {
      const button = form.querySelector("[data-upload-button]");
      if (button) button.hidden = true;
      form.querySelectorAll("input[type=file]").forEach((input) => {
        input.addEventListener("change", () => {
          const file = input.files && input.files[0];
          const limit = Number(input.dataset.maxBytes || 0);
          if (!file || (limit && file.size > limit)) return;
          form.requestSubmit();
        });
      });
    });

  // An entry that needs attention, reopened from the banner or a section (?outbox=<key>):
  // its form filled again as it was, with the reason at its fields.
  const reopened = new URLSearchParams(location.search).get("outbox");
  const entry = reopened ? outbox.load(reopened) : null;
  const form = entry && belongsHere(entry) && entry.form && document.getElementById(entry.form);
  if (form) reopen(form, entry);

  // Steps of this violation the outbox sent in the background: the page again, showing
  // them, with one message naming them (unless the officer is typing a step).
  function showSent() {
    if (forms.some(isTyped)) return;
    const done = outbox.takeSent(belongsHere);
    if (!done.length) return;
    const labels = done.map((item) => item.entry.label || item.entry.summary);
    history.replaceState(null, "", location.pathname + location.search);
    outbox.flash(location.href, [
      { className: "message message--success", text: text.textSentHere + " " + labels.join("; ") },
    ]);
    location.reload();
  }

  document.addEventListener("outbox:change", renderQueues);
  document.addEventListener("outbox:flushed", () => {
    renderQueues();
    reopenRefused();
    if (onDevice) leaveDraftPage();
    else showSent();
  });
  outbox.showHere(belongsHere);
  window.addEventListener("online", renderQueues);
  window.addEventListener("offline", renderQueues);
  renderQueues();
  reopenRefused();
})();
