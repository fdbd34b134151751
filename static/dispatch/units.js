// Mobile units: the home-base picker of the unit form (a click or a drag on the map
// fills the latitude and longitude fields; typed values move the marker), the small map
// of a unit's page, the copy buttons of a new device token, and confirmations.
// The server checks everything again; the map only fills in the form.
(function () {
  const DECIMALS = 6;

  // Leaflet puts a string tooltip in as HTML: words go in as text.
  function textNode(value) {
    const span = document.createElement("span");
    span.textContent = value || "";
    return span;
  }

  function number(input) {
    const value = parseFloat(String(input.value).replace(",", "."));
    return Number.isFinite(value) ? value : null;
  }

  function homePicker(element) {
    const form = element.closest("form");
    const lat = form.querySelector("[name=home_latitude]");
    const lon = form.querySelector("[name=home_longitude]");
    const status = document.querySelector("[data-home-status]");
    const clear = form.querySelector("[data-home-clear]");
    const map = window.PortalMap.create(element);
    let marker = null;

    function say(text) {
      if (status) status.textContent = text || "";
    }

    function show(latlng, zoom) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, title: element.dataset.textHome, keyboard: true }).addTo(map);
        marker.on("dragend", () => write(marker.getLatLng()));
      }
      if (zoom) map.setView(latlng, Math.max(map.getZoom(), 12));
    }

    function write(latlng) {
      lat.value = latlng.lat.toFixed(DECIMALS);
      lon.value = latlng.lng.toFixed(DECIMALS);
      say(element.dataset.textSet);
    }

    function readFields(zoom) {
      const y = number(lat);
      const x = number(lon);
      if (y === null || x === null || Math.abs(y) > 90 || Math.abs(x) > 180) return false;
      show(L.latLng(y, x), zoom);
      return true;
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

  function unitMap(element) {
    const map = window.PortalMap.create(element, { scrollWheelZoom: false });
    const points = [];
    const markers = [];
    const d = element.dataset;
    if (d.homeLat && d.homeLon) {
      const home = L.latLng(parseFloat(d.homeLat), parseFloat(d.homeLon));
      markers.push(
        L.circleMarker(home, { className: "unit-home", radius: 9, color: "#ffffff", weight: 3, fillColor: "#15803d", fillOpacity: 1 })
          .bindTooltip(textNode(d.textHome))
          .addTo(map)
      );
      points.push(home);
    }
    if (d.lastLat && d.lastLon) {
      const last = L.latLng(parseFloat(d.lastLat), parseFloat(d.lastLon));
      markers.push(
        L.circleMarker(last, { className: "unit-last", radius: 7, color: "#ffffff", weight: 2, fillColor: "#1d4ed8", fillOpacity: 1 })
          .bindTooltip(textNode(d.textLast))
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
      const text = source.value !== undefined ? source.value : source.textContent;
      const done = () => {
        if (status) status.textContent = button.dataset.textCopied;
        button.dataset.copied = "true";
      };
      const failed = () => {
        if (source.select) source.select();
        if (status) status.textContent = button.dataset.textFailed;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  }

  document.querySelectorAll("[data-home-picker]").forEach(homePicker);
  document.querySelectorAll("[data-unit-map]").forEach(unitMap);
  document.querySelectorAll("[data-copy]").forEach(copyButton);
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
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
