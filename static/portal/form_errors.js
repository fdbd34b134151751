// The summary of a form's errors (templates/_form_errors.html): brought into view and
// focused when the page opens, so that a person and a screen reader meet it first; each
// of its links moves to its field, shows the field's label above it and focuses it (a
// plain jump to the anchor would hide the label under the top of the screen and leave
// the focus where it was).
(function () {
  function reveal(control) {
    // A field inside a closed <details> (the zone's GeoJSON) is opened first.
    for (let node = control.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = true;
    }
  }

  function labelOf(control) {
    // A radio button or check box of a group (a row of chips): the group's legend, not
    // the option's own label, so that the question shows above the options.
    const group = control.type === "radio" || control.type === "checkbox" ? control.closest("fieldset.field") : null;
    const legend = group && group.querySelector("legend");
    if (legend) return legend;
    if (control.id) {
      const label = document.querySelector(`label[for="${CSS.escape(control.id)}"]`);
      if (label) return label;
    }
    const fieldset = control.closest("fieldset");
    return (fieldset && fieldset.querySelector("legend")) || control;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-link]");
    if (!link) return;
    const control = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!control) return;
    event.preventDefault();
    reveal(control);
    labelOf(control).scrollIntoView({ block: "start" });
    control.focus({ preventScroll: true });
  });

  function showSummary() {
    const summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    // A page's own script already took the person to the first wrong field: leave it there.
    const active = document.activeElement;
    if (active && active.getAttribute("aria-invalid") === "true") return;
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showSummary);
  } else {
    showSummary();
  }
})();
