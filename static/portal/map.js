// Shared map set-up: our own reference layers always, internet tiles only when a tile
// server is configured (the portal runs on closed networks).
window.PortalMap = (function () {
  const LITHUANIA = [[53.85, 20.9], [56.45, 26.9]];

  function create(element, options) {
    const map = L.map(element, Object.assign({ zoomSnap: 0.5, attributionControl: true }, options || {}));
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
    fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
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
            onEachFeature: (feature, layer) => layer.bindTooltip(textNode(feature.properties.name)),
          }).addTo(map);
        }
        map.fire("portal:referencelayers", { layers: added });
      })
      .catch(() => {});
  }

  function textNode(value) {
    const span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span;
  }

  return { create: create };
})();
