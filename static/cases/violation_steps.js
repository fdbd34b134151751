// The small forms of the violation page (goods line, vehicle, person, company, photo,
// Submit) on a weak network. Each is sent through the outbox (outbox.js): kept on this
// device first (a photo in IndexedDB), then posted; the server's answer decides.
// - done: the page again at the form's section, with the server's message;
// - refused (400, the page with the form and its errors): the messages are put at the
//   fields of this form as typed, the first one brought into view; nothing is kept;
// - no answer (offline, a dropped connection, a gateway error): the entry stays in the
//   outbox, which sends it when the connection returns, after the entries before it;
//   the form is emptied for the next one, with a new key.
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
  const TYPED = "cep-typed:" + location.pathname + ":";

  // The error brought into view: after the server showed the page again with its errors
  // (no script path, or a form sent before this script ran) as after a refused send.
  function showFirstError(root) {
    // The field itself before the form's summary: its control is what gets the focus.
    const error =
      root.querySelector(".field--error") || root.querySelector(".form-errors, #submit-errors");
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
  function restore(form) {
    // The server's own version of the form (shown again with its errors) wins.
    if (form.querySelector(".field--error, .form-errors")) return;
    let fields = null;
    try {
      fields = JSON.parse(sessionStorage.getItem(TYPED + form.id));
    } catch (error) {
      return;
    }
    if (!fields || !fields.length) return;
    outbox.fill(form, { fields: fields });
    const details = form.closest("details");
    if (details) details.open = true;
  }

  // --- an entry of the outbox ---------------------------------------------------------------
  function summaryOf(form) {
    const shown = Array.from(form.querySelectorAll("input[type=text], input:not([type])"))
      .map((input) => input.value.trim())
      .filter(Boolean)
      .slice(0, 2);
    const file = form.querySelector("input[type=file]");
    if (file && file.files && file.files[0]) shown.unshift(file.files[0].name);
    return [form.dataset.outboxSummary, shown.join(" "), text.reference].filter(Boolean).join(" · ");
  }
  function entryOf(form) {
    const url = new URL(form.action, location.href);
    return {
      key: keyOf(form).value,
      url: url.pathname,
      page: location.pathname,
      form: form.id,
      kind: form.dataset.outboxStep,
      fields: typedFields(form),
      summary: summaryOf(form),
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

  function clearForNext(form) {
    form.reset();
    keyOf(form).value = outbox.newKey();
    forget(form);
    form.querySelectorAll("input, select, textarea").forEach((control) => {
      control.dispatchEvent(new Event("input", { bubbles: true }));
    });
    forget(form); // the input events above remembered the empty form
  }

  async function send(form) {
    const entry = entryOf(form);
    const files = filesIn(form);
    const kept = await outbox.keep(entry, files);
    if (!kept && navigator.onLine === false) {
      say(form, text.textNotSaved);
      return;
    }
    if (!kept) {
      form.submit(); // this device cannot keep it: sent as a plain form
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

  forms.forEach((form) => {
    restore(form);
    form.addEventListener("input", () => remember(form));
    form.addEventListener("change", () => remember(form));
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

  // An entry that needs attention, reopened from the banner (?outbox=<key>): its form
  // filled again as it was, with the reason.
  const reopened = new URLSearchParams(location.search).get("outbox");
  const entry = reopened ? outbox.load(reopened) : null;
  const form = entry && entry.page === location.pathname && document.getElementById(entry.form);
  if (form) {
    outbox.fill(form, entry);
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
    say(form, entry.error || "");
    form.scrollIntoView({ block: "center" });
  }
})();
