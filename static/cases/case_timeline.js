// A case's timeline beside the map of its places (templates/cases/investigations/
// case_timeline.html). The places come as GeoJSON from the API, each with the key of its
// timeline item. The slider steps through the items' moments: the map shows the places
// up to that moment (addresses at every moment), the timeline dims what comes later and
// highlights the items of that moment. A place picked on the map highlights its item;
// "Show on the map" on an item highlights its place.
(function () {
  "use strict";
  const element = document.getElementById("case-map");
  if (!element || !window.L) return;
  const COLOURS = {
    violation: "#1d4ed8",
    sighting: "#b45309",
    dispatch_task: "#047857",
    event: "#7c3aed",
    address: "#475569",
  };
  const items = Array.from(document.querySelectorAll(".timeline-item[data-key]"));
  const itemByKey = {};
  items.forEach((item) => (itemByKey[item.dataset.key] = item));
  const markers = {};
  const status = document.querySelector("[data-places-status]");
  const slider = document.getElementById("timeline-moment");
  const output = document.getElementById("timeline-moment-value");
  let selected = null;

  // The bars under each item: where its moment or period falls in the case's range
  // (set here, as the Content-Security-Policy allows no style attributes).
  document.querySelectorAll(".timeline-item__span, .timeline-item__dot").forEach((bar) => {
    bar.style.marginLeft = "min(" + bar.dataset.offset + "%, calc(100% - 8px))";
    if (bar.dataset.width) bar.style.width = "max(" + bar.dataset.width + "%, 8px)";
  });

  // The slider's steps: the distinct moments of the items, oldest first.
  const moments = Array.from(new Set(items.map((item) => Date.parse(item.dataset.when)))).sort((a, b) => a - b);
  const lang = document.documentElement.lang || "en";
  const format = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Europe/Vilnius",
  });

  const map = window.PortalMap.create(element, { scrollWheelZoom: false });
  const layer = L.featureGroup().addTo(map);

  function style(kind, on) {
    return {
      radius: on ? 10 : 7,
      weight: on ? 4 : 2,
      color: on ? "#111827" : COLOURS[kind] || "#1d4ed8",
      fillColor: COLOURS[kind] || "#1d4ed8",
      fillOpacity: 0.75,
    };
  }

  function select(key, from) {
    if (selected && markers[selected]) markers[selected].marker.setStyle(style(markers[selected].kind, false));
    if (selected && itemByKey[selected]) itemByKey[selected].classList.remove("is-selected");
    selected = key;
    const entry = markers[key];
    if (entry) {
      entry.marker.setStyle(style(entry.kind, true));
      entry.marker.bringToFront();
      if (from === "timeline") {
        if (!layer.hasLayer(entry.marker)) entry.marker.addTo(layer);
        map.panTo(entry.marker.getLatLng());
        entry.marker.openTooltip();
      }
    }
    const item = itemByKey[key];
    if (item) {
      item.classList.add("is-selected");
      if (from === "map") item.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    element.dataset.selected = key;
  }

  function showUpTo(limit) {
    Object.values(markers).forEach((entry) => {
      const visible = entry.when === null || entry.when <= limit;
      if (visible && !layer.hasLayer(entry.marker)) entry.marker.addTo(layer);
      if (!visible && layer.hasLayer(entry.marker)) layer.removeLayer(entry.marker);
    });
    items.forEach((item) => {
      const when = Date.parse(item.dataset.when);
      item.classList.toggle("is-later", when > limit);
      item.classList.toggle("is-current", when === limit);
    });
    element.dataset.visible = String(layer.getLayers().length);
    if (output) output.textContent = Number.isFinite(limit) ? format.format(new Date(limit)) : "";
  }

  if (slider && moments.length) {
    slider.max = String(moments.length - 1);
    slider.value = slider.max;
    slider.addEventListener("input", () => {
      showUpTo(moments[Number(slider.value)]);
      const current = document.querySelector(".timeline-item.is-current");
      if (current) current.scrollIntoView({ block: "nearest" });
    });
  }

  document.querySelectorAll("[data-locate]").forEach((button) =>
    button.addEventListener("click", () => select(button.dataset.locate, "timeline"))
  );

  window.PortalHttp.getJson(element.dataset.placesUrl)
    .then((collection) => {
      (collection.features || []).forEach((feature) => {
        const props = feature.properties;
        const [lon, lat] = feature.geometry.coordinates;
        const marker = L.circleMarker([lat, lon], Object.assign(style(props.kind, false), {
          className: "case-place case-place--" + props.kind,
        }));
        marker.bindTooltip(window.PortalText.text(props.label));
        marker.on("click", () => select(props.key, "map"));
        marker.on("add", () => marker.getElement().setAttribute("data-key", props.key));
        markers[props.key] = {
          key: props.key,
          kind: props.kind,
          marker: marker,
          when: props.when ? Date.parse(props.when) : null,
        };
        marker.addTo(layer);
      });
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds.pad(0.3), { maxZoom: 13, animate: false });
      if (status && !collection.features.length) status.textContent = element.dataset.textNone || "";
      showUpTo(moments.length ? moments[moments.length - 1] : Infinity);
      element.dataset.loaded = "true";
    })
    .catch(() => {
      if (status) status.textContent = element.dataset.textFailed || "";
    });
})();
