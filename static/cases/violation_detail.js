// The violation page: a small map of the place, and HS code suggestions while typing.
(function () {
  const mapElement = document.getElementById("violation-map");
  if (mapElement && window.L) {
    const map = window.PortalMap.create(mapElement, { scrollWheelZoom: false });
    const latlng = [parseFloat(mapElement.dataset.lat), parseFloat(mapElement.dataset.lon)];
    L.marker(latlng).addTo(map);
    map.setView(latlng, 12);
  }

  const list = document.getElementById("hs-code-options");
  const input = document.getElementById("id_hs_code");
  if (!list || !input) return;
  // The description of the code typed, under the field: "240220 Cigarettes containing
  // tobacco", or that no heading has it, once four or six digits are typed.
  const described = input.form.querySelector("[data-hs-description]");
  // The unit the goods of this code are usually counted in, chosen for the officer
  // unless they chose one themselves on this line; for a code with no usual unit, the
  // unit this officer used on their last line, remembered on the device.
  const unit = input.form.querySelector("select[data-usual-units]");
  const usualUnits = unit ? JSON.parse(unit.dataset.usualUnits) : {};
  const memoryKey = input.form.dataset.unitMemory;
  // A form sent back with errors shows what was sent: nothing is chosen over it.
  let unitChosen = Boolean(input.form.querySelector("[data-error-summary]"));
  function rememberedUnit() {
    try {
      return (memoryKey && localStorage.getItem(memoryKey)) || "";
    } catch (error) {
      return ""; // storage refused (private mode): the list's own first unit stays
    }
  }
  function setUnit(value) {
    if (!value || !unit.querySelector('option[value="' + CSS.escape(value) + '"]')) return false;
    unit.value = value;
    unit.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }
  if (unit) {
    unit.addEventListener("change", () => {
      unitChosen = true;
    });
    input.form.addEventListener("reset", () => {
      unitChosen = false;
    });
    input.form.addEventListener("submit", () => {
      try {
        if (memoryKey) localStorage.setItem(memoryKey, unit.value);
      } catch (error) {
        /* storage refused: nothing remembered, nothing lost */
      }
    });
    if (!unitChosen) setUnit(rememberedUnit());
  }
  function preselectUnit(digits) {
    if (!unit || unitChosen) return;
    for (let length = digits.length; length >= 2; length -= 1) {
      if (setUnit(usualUnits[digits.slice(0, length)])) return;
    }
    setUnit(rememberedUnit());
  }
  function describe(results) {
    if (!described) return;
    const digits = input.value.replace(/[^0-9]/g, "");
    if (digits.length !== 4 && digits.length !== 6) {
      described.textContent = "";
      return;
    }
    const match = results.find((code) => code.code === digits);
    if (match) preselectUnit(digits);
    described.textContent = match ? match.code + " " + match.description : described.dataset.textUnknown;
  }
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < 2) {
      describe([]);
      return;
    }
    timer = setTimeout(() => {
      window.PortalHttp.getJson(list.dataset.source + "?page_size=15&q=" + encodeURIComponent(query), { fallback: { results: [] } })
        .then((data) => {
          list.replaceChildren(
            ...data.results.map((code) => {
              const option = document.createElement("option");
              option.value = code.code;
              option.label = code.code + " " + code.description;
              return option;
            })
          );
          describe(data.results);
        });
    }, 200);
  });
})();

// Registry look-up while typing a plate or a surname: known entities are offered, so
// the officer sees at once that this vehicle or person was met before.
(function () {
  document.querySelectorAll("input[data-entity-kind]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const hint = input.form.querySelector("[data-known-hint]");
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < 2) return;
      timer = setTimeout(() => {
        const url = list.dataset.source + "?kind=" + input.dataset.entityKind + "&q=" + encodeURIComponent(query);
        window.PortalHttp.getJson(url, { fallback: { results: [] } })
          .then((data) => {
            const entities = data.results || [];
            list.replaceChildren(
              ...entities.map((entity) => {
                const option = document.createElement("option");
                const kind = input.dataset.entityKind;
                // Offer what the field holds: a surname, a document number, a plate.
                const shown =
                  kind === "Person" ? entity.label.split(" ").slice(-1)[0]
                  : kind === "Identification" ? entity.key.split(":").slice(-1)[0]
                  : entity.label;
                option.value = shown;
                // FtM properties: lists of values.
                const props = entity.properties || {};
                const extra = (props.model || props.birthDate || [""])[0];
                option.label = entity.label + (extra ? " · " + extra : "");
                return option;
              })
            );
            if (hint) hint.hidden = entities.length === 0;
          });
      }, 200);
    });
  });
})();

// An evidence file over the size limit is refused in the browser, before a slow upload
// on a phone: the message at the field, the file taken off the form. The server checks
// again.
(function () {
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    const limit = Number(input.dataset.maxBytes);
    const field = input.closest(".field");
    function message(text) {
      let box = field.querySelector("[data-size-error]");
      if (!text) {
        if (box) box.remove();
        field.classList.remove("field--error");
        input.removeAttribute("aria-invalid");
        return;
      }
      if (!box) {
        box = document.createElement("ul");
        box.className = "errorlist";
        box.id = input.id + "-size-error";
        box.setAttribute("role", "alert");
        box.dataset.sizeError = "";
        field.append(box);
      }
      const item = document.createElement("li");
      item.textContent = text;
      box.replaceChildren(item);
      field.classList.add("field--error");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", box.id);
    }
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (file && limit && file.size > limit) {
        message(window.PortalText.fill(input.dataset.textTooLarge, { name: file.name }));
        input.value = "";
        return;
      }
      message("");
    });
  });
})();
