// A case's timeline beside the map of its places (templates/cases/investigations/
// _timeline_map.html, on the timeline page and beside the case's link chart). The places
// come as GeoJSON from the API, each with the key of its timeline item. The slider steps
// through the items' moments: the map shows the places up to that moment (addresses at
// every moment), the timeline dims what comes later and highlights the items of that
// moment. A place picked on the map highlights its item; "Show on the map" on an item
// highlights its place.
//
// Mounted on [data-case-timeline] as element.caseTimeline, whose handle lets the case
// chart (static/cases/case_workbench.js) follow and lead it: onSelect / onMoment tell
// what the user picked or where the slider went; highlightEntities, select and
// showUpToDay act without calling those back (so that two views in step never echo).
window.CaseTimeline = (function () {
  "use strict";
  const COLOURS = {
    violation: "#1d4ed8",
    sighting: "#b45309",
    dispatch_task: "#047857",
    event: "#7c3aed",
    address: "#475569",
  };
  const LINKED = "#f59e0b";
  // The calendar day of a moment in the portal's time zone, as "2026-03-05" (en-CA
  // formats dates as ISO does); the chart's period is made of such days.
  const DAY = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Vilnius",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  const entityIds = (text) => (text || "").split(/[\s,]+/).filter(Boolean).map(Number);

  function mount(root) {
    const element = root.querySelector("#case-map");
    if (!element || !window.L) return null;
    const items = Array.from(root.querySelectorAll(".timeline-item[data-key]"));
    const itemByKey = {};
    items.forEach((item) => (itemByKey[item.dataset.key] = item));
    const markers = {};
    const status = root.querySelector("[data-places-status]");
    const slider = root.querySelector("#timeline-moment");
    const output = root.querySelector("#timeline-moment-value");
    const listeners = { select: [], moment: [], loaded: [] };
    let selected = null;
    let linked = null; // the keys of the items concerning the highlighted entities, or null
    let wanted = []; // the highlighted entities' ids

    // The bars under each item: where its moment or period falls in the case's range
    // (set here, as the Content-Security-Policy allows no style attributes).
    root.querySelectorAll(".timeline-item__span, .timeline-item__dot").forEach((bar) => {
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

    function style(entry) {
      const on = entry.key === selected;
      const isLinked = linked !== null && linked.has(entry.key);
      const dimmed = linked !== null && !isLinked && !on;
      const colour = COLOURS[entry.kind] || "#1d4ed8";
      return {
        radius: on || isLinked ? 10 : 7,
        weight: on || isLinked ? 4 : 2,
        color: on ? "#111827" : isLinked ? LINKED : colour,
        fillColor: colour,
        fillOpacity: dimmed ? 0.15 : 0.75,
        opacity: dimmed ? 0.3 : 1,
      };
    }

    function restyle(entry) {
      entry.marker.setStyle(style(entry));
      const path = entry.marker.getElement && entry.marker.getElement();
      if (path) path.classList.toggle("is-linked", linked !== null && linked.has(entry.key));
    }

    function emit(name, ...args) {
      listeners[name].forEach((listener) => listener(...args));
    }

    // Selects the item and place of ``key``; ``from`` says who asked ("map", "timeline",
    // or "chart": then nobody is told).
    function select(key, from) {
      const previous = selected;
      selected = key;
      if (previous && markers[previous]) restyle(markers[previous]);
      if (previous && itemByKey[previous]) itemByKey[previous].classList.remove("is-selected");
      const entry = markers[key];
      if (entry) {
        restyle(entry);
        entry.marker.bringToFront();
        if (from !== "map") {
          if (!layer.hasLayer(entry.marker)) entry.marker.addTo(layer);
          map.panTo(entry.marker.getLatLng());
          entry.marker.openTooltip();
        }
      }
      const item = itemByKey[key];
      if (item) {
        item.classList.add("is-selected");
        if (from !== "timeline") item.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
      element.dataset.selected = key || "";
      if (from !== "chart" && key) emit("select", key, entry ? entry.entities : entityIds(item && item.dataset.entities));
    }

    // Highlights the items and places that concern any of ``ids`` (entity ids) and dims
    // the rest; null or [] clears. Answers how many places and moments were found.
    function highlightEntities(ids) {
      wanted = ids || [];
      const sought = new Set(wanted);
      linked = sought.size ? new Set() : null;
      let moments = 0;
      items.forEach((item) => {
        const on = linked !== null && entityIds(item.dataset.entities).some((id) => sought.has(id));
        if (on) {
          linked.add(item.dataset.key);
          moments += 1;
        }
        item.classList.toggle("is-linked", on);
        item.classList.toggle("is-dimmed", linked !== null && !on);
      });
      let places = 0;
      Object.values(markers).forEach((entry) => {
        if (linked !== null && entry.entities.some((id) => sought.has(id))) {
          linked.add(entry.key);
          places += 1;
        }
        restyle(entry);
      });
      element.dataset.linked = String(places);
      const first = items.find((item) => item.classList.contains("is-linked"));
      if (first) scrollWithin(first);
      const bounds = L.latLngBounds(
        Object.values(markers).filter((e) => linked !== null && linked.has(e.key)).map((e) => e.marker.getLatLng())
      );
      if (bounds.isValid()) map.fitBounds(bounds.pad(0.3), { maxZoom: 13 });
      return { places: places, moments: moments };
    }

    // Brings ``item`` (and its day's heading) into view inside the timeline's own scroll box (beside the chart
    // on a wide screen), never scrolling the page away from what the user works on.
    function scrollWithin(item) {
      const box = item.closest(".timeline-card");
      if (!box || box.scrollHeight <= box.clientHeight) return;
      box.scrollTop += item.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
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

    function moveTo(index) {
      if (!slider || !moments.length) return;
      slider.value = String(index);
      showUpTo(moments[index]);
    }

    // The slider to the last moment on or before ``day`` ("2026-03-05", in Vilnius), or
    // to the end when ``day`` is null; before the first moment it stays at the first.
    function showUpToDay(day) {
      if (!moments.length) return;
      if (day === null) return moveTo(moments.length - 1);
      let index = 0;
      moments.forEach((moment, i) => {
        if (DAY.format(new Date(moment)) <= day) index = i;
      });
      moveTo(index);
    }

    if (slider && moments.length) {
      slider.max = String(moments.length - 1);
      slider.value = slider.max;
      slider.addEventListener("input", () => {
        const index = Number(slider.value);
        showUpTo(moments[index]);
        const current = root.querySelector(".timeline-item.is-current");
        if (current) current.scrollIntoView({ block: "nearest" });
        // The day shown up to, or null at the last moment (the whole case).
        emit("moment", index === moments.length - 1 ? null : DAY.format(new Date(moments[index])));
      });
    }

    root.querySelectorAll("[data-locate]").forEach((button) =>
      button.addEventListener("click", () => select(button.dataset.locate, "timeline"))
    );
    root.querySelectorAll("[data-pick]").forEach((button) =>
      button.addEventListener("click", () => select(button.dataset.pick, "timeline"))
    );

    window.PortalHttp.getJson(element.dataset.placesUrl)
      .then((collection) => {
        (collection.features || []).forEach((feature) => {
          const props = feature.properties;
          const [lon, lat] = feature.geometry.coordinates;
          const entry = {
            key: props.key,
            kind: props.kind,
            entities: props.entities || [],
            when: props.when ? Date.parse(props.when) : null,
          };
          const marker = L.circleMarker([lat, lon], Object.assign(style(entry), {
            className: "case-place case-place--" + props.kind,
          }));
          entry.marker = marker;
          marker.bindTooltip(window.PortalText.text(props.label));
          marker.on("click", () => select(props.key, "map"));
          marker.on("add", () => {
            marker.getElement().setAttribute("data-key", props.key);
            restyle(entry);
          });
          markers[props.key] = entry;
          marker.addTo(layer);
        });
        const bounds = layer.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds.pad(0.3), { maxZoom: 13, animate: false });
        if (status && !collection.features.length) status.textContent = element.dataset.textNone || "";
        if (slider && moments.length) showUpTo(moments[Number(slider.value)]);
        else showUpTo(Infinity);
        // Entities highlighted before the places came take their places too.
        if (wanted.length) highlightEntities(wanted);
        element.dataset.loaded = "true";
        emit("loaded");
      })
      .catch(() => {
        if (status) status.textContent = element.dataset.textFailed || "";
      });

    return {
      map: map,
      select: (key) => select(key, "chart"),
      highlightEntities: highlightEntities,
      showUpToDay: showUpToDay,
      onSelect: (listener) => listeners.select.push(listener),
      onMoment: (listener) => listeners.moment.push(listener),
      onLoaded: (listener) => listeners.loaded.push(listener),
    };
  }

  document.querySelectorAll("[data-case-timeline]").forEach((root) => {
    root.caseTimeline = mount(root);
  });
  return { mount: mount };
})();
