// The category editor (templates/cases/category_form.html): add a field row, move rows
// up and down. Without this script the page still works: the position numbers order the
// fields and one empty row is always offered.
(function () {
  const form = document.querySelector("[data-category-editor]");
  if (!form) return;
  const rows = form.querySelector("[data-field-rows]");
  const template = form.querySelector("[data-field-template]");
  const total = form.querySelector("input[name$='-TOTAL_FORMS']");
  const addButton = form.querySelector("[data-field-add]");

  // A row counts once something is typed in it; an untouched new row keeps no position,
  // so that the server leaves it out instead of asking for its labels.
  function filled(row) {
    return Array.from(row.querySelectorAll("input[type=text], textarea")).some(
      (input) => input.value.trim() !== ""
    );
  }

  function renumber() {
    let position = 0;
    rows.querySelectorAll("[data-field-row]").forEach((row) => {
      const order = row.querySelector("[data-field-order]");
      if (!order) return;
      if (filled(row)) {
        position += 1;
        order.value = String(position);
      } else {
        order.value = "";
      }
    });
  }

  function showControls(scope) {
    scope.querySelectorAll("[data-field-up], [data-field-down]").forEach((button) => {
      button.hidden = false;
    });
  }

  let moved = false;
  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[data-field-up], [data-field-down]");
    if (!button) return;
    const row = button.closest("[data-field-row]");
    const up = button.hasAttribute("data-field-up");
    const neighbour = up ? row.previousElementSibling : row.nextElementSibling;
    if (!neighbour) return;
    if (up) rows.insertBefore(row, neighbour);
    else rows.insertBefore(neighbour, row);
    moved = true;
    renumber();
    button.focus();
  });

  addButton.hidden = false;
  addButton.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const holder = document.createElement("ol");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    showControls(row);
    showTypeParts(row);
    const first = row.querySelector("input[type=text]");
    if (first) first.focus();
  });

  // Positions typed by hand count unless rows were moved with the buttons.
  // Options only for a choice, bounds only for numbers (a mistake in a hidden part is
  // still shown: a field in error is never hidden).
  function showTypeParts(row) {
    const type = row.querySelector("select[name$='-type']");
    if (!type) return;
    row.querySelectorAll("[data-when-type]").forEach((part) => {
      const wanted = part.dataset.whenType.split(" ").includes(type.value);
      part.hidden = !wanted && !part.querySelector(".field--error");
    });
  }
  rows.addEventListener("change", (event) => {
    if (event.target.matches("select[name$='-type']")) {
      showTypeParts(event.target.closest("[data-field-row]"));
    }
  });
  rows.querySelectorAll("[data-field-row]").forEach(showTypeParts);

  form.addEventListener("submit", () => {
    if (moved) renumber();
  });
  showControls(rows);
})();
