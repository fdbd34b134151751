// An entity's dossier: its places (addresses with coordinates, violation sites) on a
// small map, loaded as GeoJSON from the API.
(function () {
  const element = document.getElementById("entity-map");
  if (!element || !window.L) return;
  const map = window.PortalMap.create(element, { scrollWheelZoom: false });
  map.setView([55.2, 23.9], 6);
  window.PortalHttp.getJson(element.dataset.placesUrl).then((collection) => {
    const layer = L.geoJSON(collection, {
      pointToLayer: (feature, latlng) =>
        L.circleMarker(latlng, {
          radius: 7,
          weight: 2,
          color: feature.properties.kind === "address" ? "#1d4ed8" : "#b91c1c",
          className: "entity-place",
        }),
      onEachFeature: (feature, marker) => {
        // No url: the reader may not open that page, so the name stands as plain text.
        const link = document.createElement(feature.properties.url ? "a" : "span");
        if (feature.properties.url) link.href = feature.properties.url;
        link.textContent = feature.properties.label;
        marker.bindPopup(link);
      },
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.3), { maxZoom: 13 });
  });
})();
