// Mobile units: the home-base picker of the unit form (a click or a drag on the map
// fills the latitude and longitude fields; typed values move the marker), the small map
// of a unit's page and the copy buttons of a new device token (confirmations: portal.js).
// The server checks everything again; the map only fills in the form.
(function () {
  "use strict";
  const { text } = window.PortalText;

  function homePicker(element) {
    window.PortalMap.pointPicker(element, {
      latitude: "home_latitude",
      longitude: "home_longitude",
      status: "[data-home-status]",
      clear: "[data-home-clear]",
      label: element.dataset.textHome,
      zoom: 12,
    });
  }

  function unitMap(element) {
    const map = window.PortalMap.create(element, { scrollWheelZoom: false });
    const points = [];
    const markers = [];
    const d = element.dataset;
    if (d.homeLat && d.homeLon) {
      const home = L.latLng(parseFloat(d.homeLat), parseFloat(d.homeLon));
      markers.push(
        L.circleMarker(home, { className: "unit-home", radius: 9, color: "#ffffff", weight: 3, fillColor: "#15803d", fillOpacity: 1 })
          .bindTooltip(text(d.textHome))
          .addTo(map)
      );
      points.push(home);
    }
    if (d.lastLat && d.lastLon) {
      const last = L.latLng(parseFloat(d.lastLat), parseFloat(d.lastLon));
      markers.push(
        L.circleMarker(last, { className: "unit-last", radius: 7, color: "#ffffff", weight: 2, fillColor: "#1d4ed8", fillOpacity: 1 })
          .bindTooltip(text(d.textLast))
          .addTo(map)
      );
      points.push(last);
    }
    // The reference layers arrive later and would cover the unit's own markers.
    map.on("portal:referencelayers", () => markers.forEach((marker) => marker.bringToFront()));
    // Without map tiles only our own layers give the place its context: zoom out to them.
    const zoom = element.classList.contains("map--offline") ? 7 : 12;
    if (points.length === 1) map.setView(points[0], zoom, { animate: false });
    else if (points.length > 1) map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: zoom, animate: false });
  }

  function copyButton(button) {
    const source = document.querySelector(button.dataset.copy);
    const status = button.closest("section").querySelector("[data-copy-status]");
    button.addEventListener("click", () => {
      const value = source.value !== undefined ? source.value : source.textContent;
      const done = () => {
        if (status) status.textContent = button.dataset.textCopied;
        button.dataset.copied = "true";
      };
      const failed = () => {
        if (source.select) source.select();
        if (status) status.textContent = button.dataset.textFailed;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(value).then(done, failed);
      } else {
        failed();
      }
    });
  }

  document.querySelectorAll("[data-home-picker]").forEach(homePicker);
  document.querySelectorAll("[data-unit-map]").forEach(unitMap);
  document.querySelectorAll("[data-copy]").forEach(copyButton);
  // The token page is the answer to the registration's POST: the address bar shows the
  // unit's own address instead, so reloading asks for the unit's page (without the
  // token) rather than posting the registration again.
  document.querySelectorAll("[data-new-token][data-page-url]").forEach((section) => {
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", section.dataset.pageUrl);
    }
  });
  // A click in the token field selects it whole, ready to copy by hand.
  document.querySelectorAll("[data-copy-source]").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
})();
