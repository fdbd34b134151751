// The live map's "New task" form: the task's place is a point (a click on the map, or
// typed coordinates) or an area (a polygon drawn with leaflet.draw's polygon tool,
// driven from the form's own buttons; both in live_task_place.js), and it may be linked
// to a violation found by its reference. It may answer a zone alert ("Send a task" on
// the alert fills the form in, the alert shown as a removable chip). live.js calls
// LiveTaskForm.setUp(...), which returns {prefill(values)}, and is told when a task was
// created. edit(detail) opens the same form on an existing task: "Save changes" sends what
// it holds as a PATCH (the server keeps what did not change), and onEdited(detail) follows.
window.LiveTaskForm = (function () {
  "use strict";
  const txt = window.PortalText;
  const http = window.PortalHttp;
  const { el, fill } = txt;

  // ---------------------------------------------------------------- the linked violation
  // A combobox over api:violation-list?text= (reference, place or narrative), newest
  // first, a handful at a time. The choice is kept as the violation's id.
  function violationPicker(box, words) {
    if (!box) return null;
    const input = box.querySelector("[role=combobox]");
    const hidden = box.querySelector("input[name=violation]");
    const list = box.querySelector("[role=listbox]");
    const status = box.querySelector("[data-violation-status]");
    const MIN_CHARS = 3;
    let items = [];
    let active = -1;
    let chosen = null;
    let timer = null;
    let controller = null;

    const summary = (violation) => [txt.clock(violation.occurred_at, { date: true }), violation.place_description].filter(Boolean).join(" · ");
    const optionId = (violation) => "live-violation-option-" + violation.id;
    function render() {
      list.replaceChildren(
        ...items.map((violation, index) =>
          el(
            "li",
            {
              id: optionId(violation),
              role: "option",
              class: "live-suggest__option" + (index === active ? " is-active" : ""),
              "aria-selected": index === active ? "true" : "false",
              dataset: { violationId: violation.id },
              // The input keeps the focus while an option is tapped.
              onmousedown: (event) => event.preventDefault(),
              onclick: () => choose(violation),
            },
            [el("strong", { text: violation.reference }), el("span", { class: "muted small", text: summary(violation) })]
          )
        )
      );
      const open = items.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (open && active >= 0) {
        input.setAttribute("aria-activedescendant", optionId(items[active]));
        list.children[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function close() {
      items = [];
      active = -1;
      render();
    }
    function choose(violation) {
      chosen = violation;
      hidden.value = String(violation.id);
      input.value = violation.reference;
      status.textContent = fill(words.violationChosen, { summary: summary(violation) || violation.reference });
      close();
      box.dispatchEvent(new CustomEvent("violation:change", { bubbles: true }));
    }
    function search() {
      const query = input.value.trim();
      if (controller) controller.abort();
      if (query.length < MIN_CHARS) {
        status.textContent = "";
        close();
        return;
      }
      controller = new AbortController();
      status.textContent = words.violationSearching;
      const url = box.dataset.searchUrl + "?" + new URLSearchParams({ text: query, page_size: "8" }).toString();
      http
        .getJson(url, { signal: controller.signal })
        .then((page) => {
          items = Array.isArray(page.results) ? page.results : [];
          active = -1;
          render();
          status.textContent = items.length ? fill(words.violationCount, { n: items.length }) : words.violationNone;
        })
        .catch((error) => {
          if (error && error.name === "AbortError") return;
          close();
          status.textContent = words.violationFailed;
        });
    }
    input.addEventListener("input", () => {
      if (chosen && input.value.trim() !== chosen.reference) {
        chosen = null;
        hidden.value = "";
      }
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + items.length) % items.length;
        render();
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault(); // choosing, not submitting the form
        choose(items[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);

    return {
      // {id} for the chosen violation (null for none), or {problem} when something is
      // typed but nothing chosen. A reference typed in full counts as chosen.
      value() {
        const typed = input.value.trim();
        if (!typed) return { id: null };
        if (chosen) return { id: chosen.id };
        const exact = items.find((violation) => violation.reference.toLowerCase() === typed.toLowerCase());
        if (exact) {
          choose(exact);
          return { id: exact.id };
        }
        return { problem: words.violationChoose };
      },
      set: choose,
      reset() {
        clearTimeout(timer);
        if (controller) controller.abort();
        chosen = null;
        hidden.value = "";
        input.value = "";
        status.textContent = "";
        close();
      },
    };
  }

  // ---------------------------------------------------------------- the zone alert answered
  // A chip "Answers the zone alert of VLN-1" over a hidden field with the alert's id;
  // its × takes the link away (the task is then an ordinary one).
  function alertLink(box, words) {
    if (!box) return null;
    const hidden = box.querySelector("input[name=alert]");
    const label = box.querySelector("[data-alert-link-text]");
    const remove = box.querySelector("[data-alert-link-remove]");
    function clear() {
      hidden.value = "";
      label.textContent = "";
      box.hidden = true;
      box.dispatchEvent(new CustomEvent("alert:change", { bubbles: true }));
    }
    remove.addEventListener("click", () => {
      const form = box.closest("form");
      clear();
      if (form) form.elements.title.focus();
    });
    return {
      set(alert) {
        hidden.value = String(alert.id);
        label.textContent = fill(words.alertLink, { unit: alert.unit });
        box.dataset.alertId = String(alert.id);
        box.hidden = false;
      },
      clear: clear,
      value: () => (hidden.value ? Number(hidden.value) : null),
    };
  }

  // ---------------------------------------------------------------- the form
  // options: {map, panel, opener, url, T (the live map's words), onOpen(), onCreated(detail)}
  function setUp(options) {
    const { map, panel, opener, T } = options;
    const mapElement = map.getContainer();
    const form = panel.querySelector("[data-create-form]");
    const words = txt.readTexts(panel);
    const hint = panel.querySelector("[data-place-hint]");
    const latInput = form.elements.latitude;
    const lonInput = form.elements.longitude;
    const pointFields = form.querySelector("[data-point-fields]");
    const areaBox = form.querySelector("[data-area-fields]");
    const canDrawArea = Boolean(L.Draw && L.Draw.Polygon);
    const point = window.LiveTaskPlace.pointDraft(map, latInput, lonInput);
    const area = canDrawArea ? window.LiveTaskPlace.areaDraft(map, areaBox, words) : null;
    const violation = violationPicker(form.querySelector("[data-violation-picker]"), words);
    const answered = alertLink(form.querySelector("[data-alert-link]"), words);
    const modeInputs = Array.from(form.querySelectorAll("input[name=place_kind]"));
    const heading = panel.querySelector("#live-create-heading");
    const submitButton = form.querySelector("button[type=submit]");
    const createWords = { heading: heading.textContent, submit: submitButton.textContent };
    let editing = null; // {id, updatedAt} while the form edits a task
    if (!area) modeInputs.forEach((input) => (input.closest("fieldset").hidden = true));
    let mode = "point";

    function setMode(next) {
      mode = next === "area" && area ? "area" : "point";
      modeInputs.forEach((input) => (input.checked = input.value === mode));
      pointFields.hidden = mode !== "point";
      hint.textContent = mode === "area" ? words.hintArea : words.hintPoint;
      if (mode === "area") {
        point.hide();
        area.show();
      } else {
        if (area) area.hide();
        point.show();
      }
      clearFieldError(mode === "area" ? "latitude" : "area");
    }
    modeInputs.forEach((input) => input.addEventListener("change", () => input.checked && setMode(input.value)));

    const open = () => {
      panel.hidden = false;
      mapElement.classList.add("is-placing");
      opener.setAttribute("aria-expanded", "true");
      if (options.onOpen) options.onOpen();
      form.elements.kind.focus();
    };
    const close = () => {
      panel.hidden = true;
      mapElement.classList.remove("is-placing");
      opener.setAttribute("aria-expanded", "false");
      form.reset();
      setMode("point");
      point.clear();
      if (area) area.clear();
      if (violation) violation.reset();
      if (answered) answered.clear();
      clearErrors();
      editing = null;
      heading.textContent = createWords.heading;
      submitButton.textContent = createWords.submit;
    };

    // ------------------------------------------------------------ errors by the fields
    const focusable = (field) => {
      if (field === "area" && area) return area.focusTarget();
      return form.querySelector('[data-focus-for="' + field + '"]') || form.elements[field] || null;
    };
    // The summary at the top of the form (as templates/_form_errors.html draws it on the
    // other pages): a link to each field in error, the form-wide messages as they are.
    const summary = form.querySelector("[data-task-error-summary]");
    const summaryTitle = summary.querySelector("[data-summary-title]");
    const summaryList = summary.querySelector("[data-summary-list]");
    function labelOf(field, input) {
      const list = form.querySelector('[data-errors-for="' + field + '"]');
      if (list && list.dataset.label) return list.dataset.label;
      let holder = input && input.id ? form.querySelector('label[for="' + CSS.escape(input.id) + '"]') : null;
      if (!holder && list && list.closest(".field")) holder = list.closest(".field").querySelector("label, legend");
      if (!holder) return "";
      const copy = holder.cloneNode(true);
      copy.querySelectorAll(".required, .visually-hidden").forEach((node) => node.remove());
      return copy.textContent.trim();
    }
    function showSummary(linked, general) {
      summaryTitle.textContent = linked.length ? summary.dataset.textFields : summary.dataset.textGeneral;
      summaryList.replaceChildren(
        ...general.map((message) => el("li", { text: message })),
        ...linked.map((entry) =>
          el("li", {}, [
            entry.anchor
              ? el("a", { href: "#" + entry.anchor, dataset: { errorLink: "" }, text: (entry.label ? entry.label + ": " : "") + entry.message })
              : el("span", { text: (entry.label ? entry.label + ": " : "") + entry.message }),
          ])
        )
      );
      summary.hidden = !(linked.length || general.length);
    }
    function clearErrors() {
      summary.hidden = true;
      summaryList.replaceChildren();
      form.querySelectorAll("[data-errors-for]").forEach((node) => node.replaceChildren());
      form.querySelectorAll(".field--error").forEach((node) => node.classList.remove("field--error"));
      form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    }
    function clearFieldError(name) {
      const target = form.querySelector('[data-errors-for="' + name + '"]');
      if (target) {
        target.replaceChildren();
        const field = target.closest(".field");
        if (field) field.classList.remove("field--error");
      }
      const input = focusable(name);
      if (input && input.removeAttribute) input.removeAttribute("aria-invalid");
    }
    function showErrors(errors, detail) {
      clearErrors();
      let first = null;
      const linked = [];
      const general = [];
      Object.entries(errors || {}).forEach(([field, messages]) => {
        const target = form.querySelector('[data-errors-for="' + field + '"]');
        const list = (Array.isArray(messages) ? messages : [messages]).map((message) =>
          typeof message === "string" ? message : http.firstErrorMessage({ errors: { field: message } }, "")
        );
        if (!target) {
          general.push(...list); // form-wide, or a field the form does not show
          return;
        }
        target.append(...list.map((message) => el("li", { text: message })));
        const holder = target.closest(".field");
        if (holder) holder.classList.add("field--error");
        const input = focusable(field);
        if (input && input.tagName !== "BUTTON") input.setAttribute("aria-invalid", "true");
        const label = labelOf(field, input);
        list.forEach((message) => linked.push({ anchor: input && input.id ? input.id : "", label: label, message: message }));
        first = first || input;
      });
      if (!errors && detail) general.push(detail);
      showSummary(linked, general);
      // The summary in view at the top of the panel; the focus on the first wrong field,
      // as on the violation page (the summary's links lead to the others).
      if (!summary.hidden) summary.scrollIntoView({ block: "nearest" });
      if (first) first.focus();
      else if (!summary.hidden) summary.focus();
    }

    // ------------------------------------------------------------ placing and sending
    opener.setAttribute("aria-expanded", "false");
    opener.addEventListener("click", () => (panel.hidden ? open() : close()));
    form.querySelector("[data-create-discard]").addEventListener("click", close);
    map.on("click", (event) => {
      if (panel.hidden || mode !== "point") return;
      latInput.value = event.latlng.lat.toFixed(6);
      lonInput.value = event.latlng.lng.toFixed(6);
      point.place(event.latlng.lat, event.latlng.lng, false);
      clearFieldError("latitude");
      clearFieldError("longitude");
    });
    form.addEventListener("area:change", () => clearFieldError("area"));
    form.addEventListener("violation:change", () => clearFieldError("violation"));
    form.addEventListener("alert:change", () => clearFieldError("alert"));

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const payload = {
        priority: data.get("priority"),
        title: String(data.get("title") || "").trim(),
        description: data.get("description") || "",
      };
      // Empty fields are left out, so that the server says which one is missing (an
      // empty type would be "not a valid choice").
      const fields = mode === "point" ? ["kind", "latitude", "longitude", "window_start", "window_end"] : ["kind", "window_start", "window_end"];
      fields.forEach((name) => {
        const value = String(data.get(name) || "").trim();
        if (value) payload[name] = value;
      });
      if (mode === "area") {
        const geometry = area.geometry();
        if (geometry) payload.area = geometry;
      }
      if (violation) {
        const link = violation.value();
        if (link.problem) {
          showErrors({ violation: [link.problem] });
          return;
        }
        if (link.id !== null) payload.violation = link.id;
      }
      if (answered && answered.value() !== null) payload.alert = answered.value();
      const submit = submitButton;
      submit.disabled = true;
      const edited = editing;
      const sent = edited ? http.sendJson("PATCH", options.detailUrl(edited.id), editPayload(payload, mode)) : http.postJson(options.url, payload);
      sent
        .then((result) => {
          if (!result.ok) {
            const errors = result.body.errors ? Object.assign({}, result.body.errors) : null;
            if (errors && mode === "area") {
              // "Give the task's place" is said of the latitude: here the area is missing.
              // (The server checks the place only once the other fields are valid.)
              delete errors.latitude;
              delete errors.longitude;
              if (!errors.area && !payload.area) errors.area = [words.areaMissing];
            } else if (errors && !errors.latitude && !payload.latitude && !payload.longitude) {
              errors.latitude = [T.placeMissing];
            }
            showErrors(errors, result.body.detail || T.failed);
            return;
          }
          close();
          if (edited) options.onEdited(result.body);
          else options.onCreated(result.body);
        })
        .catch(() => showErrors(null, T.failed))
        .finally(() => {
          submit.disabled = false;
        });
    });
    setMode("point");

    // An edit sends every field the form holds: cleared ones as null, the place whole
    // (a point drops the area and an area moves the point), and the version it edits.
    function editPayload(payload, placeMode) {
      const body = {
        kind: payload.kind,
        priority: payload.priority,
        title: payload.title,
        description: payload.description,
        window_start: payload.window_start || null,
        window_end: payload.window_end || null,
        violation: payload.violation === undefined ? null : payload.violation,
        expected_updated_at: editing.updatedAt,
      };
      if (placeMode === "area") {
        if (payload.area) body.area = payload.area;
      } else if (payload.latitude !== undefined || payload.longitude !== undefined) {
        body.latitude = payload.latitude;
        body.longitude = payload.longitude;
      }
      return body;
    }
    // "YYYY-MM-DDTHH:MM" in the portal's time zone, as a datetime-local field holds it.
    function localInput(iso) {
      const parts = iso ? txt.dateParts(iso) : null;
      return parts ? parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute : "";
    }
    // The form on an existing task (the task API's detail), to correct it.
    function edit(detail) {
      if (!panel.hidden) close();
      open();
      editing = { id: detail.id, updatedAt: detail.updated_at };
      heading.textContent = T.editTask;
      submitButton.textContent = T.saveChanges;
      form.elements.kind.value = detail.kind;
      form.elements.priority.value = String(detail.priority);
      form.elements.title.value = detail.title;
      form.elements.description.value = detail.description || "";
      form.elements.window_start.value = localInput(detail.window_start);
      form.elements.window_end.value = localInput(detail.window_end);
      if (detail.area && area) {
        area.load(detail.area);
        setMode("area");
      } else if (detail.latitude !== null && detail.latitude !== undefined) {
        latInput.value = detail.latitude.toFixed(6);
        lonInput.value = detail.longitude.toFixed(6);
        point.place(detail.latitude, detail.longitude, true);
      }
      if (violation && detail.violation) violation.set({ id: detail.violation, reference: detail.violation_reference });
    }

    // A fresh form filled in: {kind, title, lat, lon (a point), alert: {id, unit}}. What
    // was typed into an open form before is discarded, as with "Discard".
    function prefill(values) {
      if (!panel.hidden) close();
      open();
      if (values.kind) form.elements.kind.value = values.kind;
      if (values.title) form.elements.title.value = values.title;
      const lat = Number(values.lat);
      const lon = Number(values.lon);
      if (values.lat !== null && values.lat !== undefined && Number.isFinite(lat) && Number.isFinite(lon)) {
        latInput.value = lat.toFixed(6);
        lonInput.value = lon.toFixed(6);
        point.place(lat, lon, true);
      }
      if (values.alert && answered) answered.set(values.alert);
    }
    return { prefill: prefill, edit: edit };
  }

  return { setUp: setUp };
})();
