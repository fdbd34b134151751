// Shared map set-up: our own reference layers always, internet tiles only when a tile
// server is configured (the portal runs on closed networks); and a map that picks one
// point for a form. Needs Leaflet and portal/text.js (loaded by base.html).
window.PortalMap = (function () {
  "use strict";
  const LITHUANIA = [[53.85, 20.9], [56.45, 26.9]];
  const { text } = window.PortalText;

  function create(element, options) {
    const map = L.map(element, Object.assign({ zoomSnap: 0.5, attributionControl: true }, options || {}));
    // Leaflet's own credit, without its English tooltip on pages in Lithuanian.
    if (map.attributionControl) map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    const tiles = element.dataset.tileUrl;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
    } else {
      element.classList.add("map--offline");
    }
    map.fitBounds(LITHUANIA);
    if (element.dataset.layersUrl) loadReferenceLayers(map, element.dataset.layersUrl);
    return map;
  }

  function loadReferenceLayers(map, url) {
    window.PortalHttp.getJson(url)
      .then((layers) => {
        if (!layers) return;
        // Also announced to the page (by key), e.g. for a layer control of its own.
        const added = {};
        if (layers.operational_area) {
          added.operational_area = L.geoJSON(layers.operational_area, {
            style: { color: "#1d4ed8", weight: 1, fillColor: "#1d4ed8", fillOpacity: 0.04, dashArray: "4 4" },
            interactive: false,
          }).addTo(map);
        }
        if (layers.countries) {
          added.countries = L.geoJSON(layers.countries, {
            style: { color: "#94a3b8", weight: 1, fillColor: "#e2e8f0", fillOpacity: 0.35 },
            interactive: false,
          }).addTo(map);
        }
        if (layers.borders) {
          added.borders = L.geoJSON(layers.borders, {
            style: (feature) => ({
              color: feature.properties.is_external ? "#b42318" : "#475569",
              weight: feature.properties.is_external ? 3 : 1.5,
            }),
            interactive: false,
          }).addTo(map);
        }
        if (layers.crossing_points) {
          added.crossing_points = L.geoJSON(layers.crossing_points, {
            pointToLayer: (feature, latlng) =>
              L.circleMarker(latlng, { radius: 5, color: "#0b2545", weight: 2, fillColor: "#f5c542", fillOpacity: 1 }),
            // A string tooltip goes in as HTML: the name goes in as text.
            onEachFeature: (feature, layer) => layer.bindTooltip(text(feature.properties.name)),
          }).addTo(map);
        }
        map.fire("portal:referencelayers", { layers: added });
      })
      .catch(() => {});
  }

  // ------------------------------------------------------------------ a point on a form
  // A map that picks one point for a pair of latitude/longitude inputs of the element's
  // form: a click (or dragging the marker) writes the inputs, typed values move the
  // marker, the clear button empties both. options: {latitude, longitude (input names),
  // status, clear (selectors; status in the document, clear in the form), label (the
  // marker's title), tooltip (also a tooltip with the label), zoom (at least this when
  // showing typed values)}. The element's data-text-set / data-text-cleared are
  // announced in the status line. The server checks the values again.
  const DECIMALS = 6;
  function parseNumber(input) {
    const value = parseFloat(String(input.value).replace(",", "."));
    return Number.isFinite(value) ? value : null;
  }
  function pointPicker(element, options) {
    const opts = options || {};
    const form = element.closest("form");
    const lat = form.querySelector("[name=" + (opts.latitude || "latitude") + "]");
    const lon = form.querySelector("[name=" + (opts.longitude || "longitude") + "]");
    const status = opts.status ? document.querySelector(opts.status) : null;
    const clear = opts.clear ? form.querySelector(opts.clear) : null;
    const map = create(element);
    let marker = null;

    function say(message) {
      if (status) status.textContent = message || "";
    }
    function write(latlng) {
      lat.value = latlng.lat.toFixed(DECIMALS);
      lon.value = latlng.lng.toFixed(DECIMALS);
      say(element.dataset.textSet);
    }
    function show(latlng, zoom) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, title: opts.label, keyboard: true }).addTo(map);
        if (opts.tooltip) marker.bindTooltip(text(opts.label));
        marker.on("dragend", () => write(marker.getLatLng()));
      }
      if (zoom) map.setView(latlng, Math.max(map.getZoom(), opts.zoom || 12));
    }
    function readFields(zoom) {
      const y = parseNumber(lat);
      const x = parseNumber(lon);
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
    return map;
  }

  return { create: create, pointPicker: pointPicker };
})();
