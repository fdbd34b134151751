// Notices, the operations centre's pages: on the form, the place picker (a click or a
// drag on the map fills the latitude and longitude; typed values move the marker) and
// "All units" greying out the unit choice (confirming a withdrawal on the list: portal.js).
// The server checks everything again; the script only helps filling in the form.
(function () {
  "use strict";

  function placePicker(element) {
    window.PortalMap.pointPicker(element, {
      latitude: "latitude",
      longitude: "longitude",
      status: "[data-place-status]",
      clear: "[data-place-clear]",
      label: element.dataset.textPlace,
      tooltip: true,
      zoom: 11,
    });
  }

  // "All units" and a choice of units exclude each other: with "All units" ticked the
  // unit boxes are disabled (a disabled box is not sent), untick it to choose again.
  function unitChoice(form) {
    const all = form.querySelector("[name=all_units]");
    const box = form.querySelector("[data-notice-units]");
    if (!all || !box) return;
    const sync = () => {
      box.classList.toggle("notice-units--all", all.checked);
      box.querySelectorAll("input[type=checkbox]").forEach((input) => {
        input.disabled = all.checked;
      });
    };
    all.addEventListener("change", sync);
    sync();
  }

  document.querySelectorAll("[data-place-picker]").forEach(placePicker);
  document.querySelectorAll("form[data-notice-form]").forEach(unitChoice);
})();
