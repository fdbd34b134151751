// The violation map: asks the server for the viewport (cells or points), redraws on
// every move; a drawn rectangle opens the list filtered to that area.
(function () {
  const element = document.getElementById("violations-map");
  if (!element) return;
  const filters = document.querySelector("[data-map-filters]");
  const status = document.querySelector("[data-map-status]");
  const heatToggle = document.querySelector("[data-heat]");
  const map = window.PortalMap.create(element);
  // Above the reference layers, which arrive later: a crossing point must not cover a
  // group of violations (a tap on it would do nothing).
  map.createPane("violations").style.zIndex = 450;
  const layer = L.layerGroup().addTo(map);
  const heat = L.layerGroup();
  let pending = null;

  function filterQuery() {
    const params = new URLSearchParams(new FormData(filters));
    for (const [key, value] of Array.from(params.entries())) if (!value) params.delete(key);
    return params;
  }

  function bboxOf(bounds) {
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [
      clamp(bounds.getWest(), -180, 180),
      clamp(bounds.getSouth(), -90, 90),
      clamp(bounds.getEast(), -180, 180),
      clamp(bounds.getNorth(), -90, 90),
    ].map((v) => v.toFixed(5)).join(",");
  }

  // Large enough for a three-digit number in the middle.
  function radiusFor(count, max) {
    return 12 + 18 * Math.sqrt(count / Math.max(1, max));
  }

  // The reference (a link) and the category's name: text, never HTML.
  function popupFor(point) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = element.dataset.detailUrl + encodeURIComponent(point.id) + "/";
    link.textContent = point.reference;
    const category = document.createElement("div");
    category.textContent = point.category_name || point.category || "";
    box.append(link, category);
    return box;
  }

  function draw(data) {
    layer.clearLayers();
    heat.clearLayers();
    if (data.mode === "points") {
      data.points.forEach((point) => {
        L.circleMarker([point.lat, point.lon], {
          pane: "violations", radius: 7, color: "#0b2545", weight: 2, fillColor: point.status === "verified" ? "#137a3f" : "#1d4ed8", fillOpacity: 0.9,
        })
          .bindPopup(popupFor(point))
          .addTo(layer);
      });
    } else {
      const max = Math.max(1, ...data.cells.map((cell) => cell.count));
      data.cells.forEach((cell) => {
        const marker = L.circleMarker([cell.lat, cell.lon], {
          pane: "violations", radius: radiusFor(cell.count, max), color: "#ffffff", weight: 2, fillColor: "#1d4ed8", fillOpacity: 0.88,
        }).addTo(layer);
        marker.bindTooltip(String(cell.count), { permanent: true, direction: "center", className: "cluster-label" });
        marker.on("click", () => map.setView([cell.lat, cell.lon], map.getZoom() + 2));
        L.circle([cell.lat, cell.lon], {
          radius: 4000 * Math.sqrt(cell.count / max) + 800, stroke: false, fillColor: "#e11d48", fillOpacity: 0.12 + 0.5 * (cell.count / max),
        }).addTo(heat);
      });
    }
    status.textContent = (element.dataset.countLabel || "") + " " + data.total;
  }

  function refresh() {
    const params = filterQuery();
    params.set("bbox", bboxOf(map.getBounds()));
    params.set("zoom", Math.round(map.getZoom()));
    if (pending) pending.abort();
    pending = new AbortController();
    window.PortalHttp.getJson(element.dataset.source + "?" + params.toString(), { signal: pending.signal })
      .then(draw)
      .catch(() => {});
  }

  map.on("moveend", refresh);
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  heatToggle.addEventListener("change", () => (heatToggle.checked ? heat.addTo(map) : heat.remove()));

  if (L.Control.Draw) {
    const drawn = new L.FeatureGroup().addTo(map);
    map.addControl(new L.Control.Draw({
      draw: { polyline: false, polygon: false, circle: false, marker: false, circlemarker: false, rectangle: {} },
      edit: false,
    }));
    map.on(L.Draw.Event.CREATED, (event) => {
      drawn.clearLayers();
      drawn.addLayer(event.layer);
      const params = filterQuery();
      params.set("bbox", bboxOf(event.layer.getBounds()));
      window.location.href = element.dataset.listUrl + "?" + params.toString();
    });
  }
  refresh();
})();
