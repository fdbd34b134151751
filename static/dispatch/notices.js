// Notices, the operations centre's pages: on the form, the place picker (a click or a
// drag on the map fills the latitude and longitude; typed values move the marker) and
// "All units" greying out the unit choice; on the list, confirming a withdrawal.
// The server checks everything again; the script only helps filling in the form.
(function () {
  "use strict";
  const DECIMALS = 6;

  function number(input) {
    const value = parseFloat(String(input.value).replace(",", "."));
    return Number.isFinite(value) ? value : null;
  }

  function placePicker(element) {
    const C = window.DispatchCommon;
    const form = element.closest("form");
    const lat = form.querySelector("[name=latitude]");
    const lon = form.querySelector("[name=longitude]");
    const status = document.querySelector("[data-place-status]");
    const clear = form.querySelector("[data-place-clear]");
    const map = window.PortalMap.create(element);
    let marker = null;

    function say(message) {
      if (status) status.textContent = message || "";
    }
    function show(latlng, zoom) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, title: element.dataset.textPlace, keyboard: true }).addTo(map);
        marker.bindTooltip(C.text(element.dataset.textPlace));
        marker.on("dragend", () => write(marker.getLatLng()));
      }
      if (zoom) map.setView(latlng, Math.max(map.getZoom(), 11));
    }
    function write(latlng) {
      lat.value = latlng.lat.toFixed(DECIMALS);
      lon.value = latlng.lng.toFixed(DECIMALS);
      say(element.dataset.textSet);
    }
    function readFields(zoom) {
      const y = number(lat);
      const x = number(lon);
      if (y === null || x === null || Math.abs(y) > 90 || Math.abs(x) > 180) return;
      show(L.latLng(y, x), zoom);
    }

    map.on("click", (event) => {
      show(event.latlng, false);
      write(event.latlng);
    });
    [lat, lon].forEach((input) => input.addEventListener("change", () => readFields(true)));
    if (clear) {
      clear.addEventListener("click", () => {
        lat.value = "";
        lon.value = "";
        if (marker) {
          map.removeLayer(marker);
          marker = null;
        }
        say(element.dataset.textCleared);
      });
    }
    readFields(true);
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
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
