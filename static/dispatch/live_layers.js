// The dispatcher's live map, part 2 of 5 (see live_core.js): what the feed holds, drawn
// on the map. Units with their tails, tasks (a marker, and the outline of a task given
// as an area), violations, zone alerts and patrol zones; each is updated in place.
(function () {
  "use strict";
  const live = window.DispatchLive;
  if (!live) return;
  const { T, state, layers, STATUS_COLOURS, OPEN_TASK, PRIORITY_COLOURS, age, when } = live;
  const txt = window.PortalText;
  const http = window.PortalHttp;
  const { el, fill } = txt;

  // ---------------------------------------------------------------- units
  // Popups and tooltips are built from elements: what the server sends is text.
  function unitPopup(unit) {
    const speed = unit.speed_kmh !== null && unit.speed_kmh !== undefined;
    return el("div", { class: "live-popup" }, [
      el("div", {}, [el("strong", { text: unit.label || unit.call_sign }), " · " + unit.status_label]),
      el("div", { text: T.zone + ": " + (unit.zone || T.noZone) }),
      el("div", { text: age(unit.last_reported_at) }),
      speed ? el("div", { text: T.speed + ": " + fill(T.kmh, { n: Math.round(unit.speed_kmh) }) }) : null,
    ]);
  }
  function markUnitElement(marker, unit) {
    const path = marker.getElement && marker.getElement();
    if (!path) return;
    path.setAttribute("data-marker-unit", unit.id);
    path.setAttribute("data-call-sign", unit.call_sign);
    path.setAttribute("data-status", unit.status);
    path.setAttribute("data-lat", unit.lat);
    path.setAttribute("data-lon", unit.lon);
  }
  // The tail is [lat, lon, epoch seconds], one point per 30 s slot. The server sends
  // it now and then; in between each new position extends it here.
  const TAIL_SECONDS = 15 * 60;
  const TAIL_STEP = 30;
  function extendTail(entry, unit) {
    if (Array.isArray(unit.tail)) {
      entry.tailPoints = unit.tail.slice();
    } else if (unit.last_reported_at) {
      const t = Math.floor(new Date(unit.last_reported_at).getTime() / 1000);
      const last = entry.tailPoints[entry.tailPoints.length - 1];
      if (!last || t - last[2] >= TAIL_STEP) entry.tailPoints.push([unit.lat, unit.lon, t]);
    }
    const cutoff = live.serverNow() / 1000 - TAIL_SECONDS;
    entry.tailPoints = entry.tailPoints.filter((point) => point[2] >= cutoff);
    return entry.tailPoints;
  }
  function drawUnit(unit) {
    let entry = state.units.get(unit.id);
    const colour = STATUS_COLOURS[unit.status] || "#6b7280";
    const hasPosition = unit.lat !== null && unit.lon !== null;
    if (!entry) {
      entry = { data: unit, marker: null, tail: null, tailPoints: [] };
      state.units.set(unit.id, entry);
    }
    entry.data = unit;
    if (!hasPosition) {
      if (entry.marker) layers.units.removeLayer(entry.marker);
      if (entry.tail) layers.tails.removeLayer(entry.tail);
      entry.marker = entry.tail = null;
      return;
    }
    const latlng = [unit.lat, unit.lon];
    const tailPoints = extendTail(entry, unit).map((point) => [point[0], point[1]]);
    if (tailPoints.length) tailPoints.push(latlng);
    if (!entry.marker) {
      entry.marker = L.circleMarker(latlng, {
        pane: "liveUnits", radius: 9, weight: 2, color: "#fff", fillColor: colour, fillOpacity: 1,
      })
        .bindTooltip(txt.text(unit.call_sign), { permanent: true, direction: "right", offset: [12, 0], className: "live-label", pane: "tooltipPane" })
        .bindPopup(unitPopup(unit))
        .addTo(layers.units);
      entry.tail = L.polyline(tailPoints, { pane: "liveTails", color: colour, weight: 3, opacity: 0.55, interactive: false }).addTo(layers.tails);
    } else {
      entry.marker.setLatLng(latlng);
      entry.marker.setStyle({ fillColor: colour });
      if (entry.callSign !== unit.call_sign) entry.marker.setTooltipContent(txt.text(unit.call_sign));
      entry.tail.setLatLngs(tailPoints);
      entry.tail.setStyle({ color: colour });
      if (entry.marker.isPopupOpen()) entry.marker.setPopupContent(unitPopup(unit));
      else entry.marker.getPopup().setContent(unitPopup(unit));
    }
    entry.callSign = unit.call_sign;
    markUnitElement(entry.marker, unit);
  }

  // ---------------------------------------------------------------- tasks
  function taskIcon(task, selected) {
    const classes = [
      "live-task-icon",
      "live-task-icon--p" + Number(task.priority),
      "live-task-icon--" + task.status,
      task.status === "new" ? "live-task-icon--new" : "",
      OPEN_TASK.has(task.status) ? "" : "live-task-icon--closed",
      selected ? "is-selected" : "",
    ].filter(Boolean);
    return L.divIcon({
      className: "live-task-marker",
      html: '<span class="' + txt.escapeHtml(classes.join(" ")) + '" data-marker-task="' + Number(task.id) + '" data-status="' + txt.escapeHtml(task.status) + '"></span>',
      iconSize: [22, 22],
      iconAnchor: [11, 11],
    });
  }
  function iconKey(task, selected) {
    return [task.priority, task.status, selected].join("|");
  }
  function drawTask(task) {
    let entry = state.tasks.get(task.id);
    if (!entry) {
      entry = { data: task, marker: null, iconKey: "" };
      state.tasks.set(task.id, entry);
    }
    entry.data = task;
    if (task.lat === null || task.lon === null) return;
    const selected = state.selectedTask === task.id;
    const key = iconKey(task, selected);
    const tooltipText = task.title + " · " + task.status_label;
    if (!entry.marker) {
      // Not keyboard-focusable: the task list is the keyboard way to the same task,
      // and the marker's title stays the task's title for whoever points at it.
      entry.marker = L.marker([task.lat, task.lon], { icon: taskIcon(task, selected), title: task.title, keyboard: false, riseOnHover: true })
        .bindTooltip(txt.text(tooltipText), { direction: "top", offset: [0, -10] })
        .on("click", () => live.openTask(task.id))
        .addTo(layers.tasks);
    } else {
      entry.marker.setLatLng([task.lat, task.lon]);
      if (entry.iconKey !== key) entry.marker.setIcon(taskIcon(task, selected));
      if (entry.tooltipText !== tooltipText) entry.marker.setTooltipContent(txt.text(tooltipText));
    }
    entry.iconKey = key;
    entry.tooltipText = tooltipText;
    entry.marker.setZIndexOffset(selected ? 1000 : task.priority * 10);
    drawTaskArea(entry, selected);
  }
  // A task given as an area: its outline under the marker (which stands at its centre).
  function drawTaskArea(entry, selected) {
    const task = entry.data;
    if ("area" in task) state.areas.set(task.id, task.area || null);
    const area = state.areas.get(task.id);
    if (!area || !Array.isArray(area.coordinates) || !area.coordinates.length) {
      if (entry.area) layers.tasks.removeLayer(entry.area);
      entry.area = null;
      return;
    }
    const colour = PRIORITY_COLOURS[task.priority] || PRIORITY_COLOURS[2];
    const closed = !OPEN_TASK.has(task.status);
    const style = {
      color: colour,
      weight: selected ? 3.5 : 2,
      dashArray: selected ? null : "6 4",
      opacity: closed ? 0.45 : 0.95,
      fillColor: colour,
      fillOpacity: selected ? 0.2 : 0.1,
    };
    if (!entry.area) {
      const rings = area.coordinates.map((ring) => ring.map(([lon, lat]) => [lat, lon]));
      entry.area = L.polygon(rings, Object.assign({ pane: "liveTaskAreas", className: "live-task-area" }, style))
        .bindTooltip(txt.text(task.title), { sticky: true })
        .on("click", () => live.openTask(task.id))
        .addTo(layers.tasks);
      const path = entry.area.getElement && entry.area.getElement();
      if (path) path.setAttribute("data-task-area", task.id);
    } else {
      entry.area.setStyle(style);
      entry.area.setTooltipContent(txt.text(task.title));
    }
  }
  // The live feed names a task's place by its centre; outlines come from the task API,
  // asked only for tasks this page does not know yet (and after the first time only for
  // those changed since the previous ask).
  const areaFetch = { since: null, busy: false };
  function loadAreas(feed) {
    const unknown = feed.tasks.filter((task) => !state.areas.has(task.id) && !("area" in task));
    if (!unknown.length || areaFetch.busy) return;
    areaFetch.busy = true;
    const params = new URLSearchParams({ open: "true", page_size: "500" });
    if (areaFetch.since) params.set("changed_since", areaFetch.since);
    // A margin for a task saved while the previous answer was on its way.
    const since = new Date(new Date(feed.generated_at).getTime() - 120000).toISOString();
    http
      .getJson(live.config.urls.taskList + "?" + params.toString())
      .then((page) => {
        (page.results || []).forEach((task) => state.areas.set(task.id, task.area || null));
        unknown.forEach((task) => {
          if (!state.areas.has(task.id)) state.areas.set(task.id, null);
        });
        areaFetch.since = since;
        unknown.forEach((task) => {
          const entry = state.tasks.get(task.id);
          if (entry) drawTaskArea(entry, state.selectedTask === task.id);
        });
      })
      .catch(() => {})
      .finally(() => {
        areaFetch.busy = false;
      });
  }

  // ---------------------------------------------------------------- violations, alerts, zones
  function drawViolation(violation) {
    if (state.violations.has(violation.id)) return;
    const marker = L.circleMarker([violation.lat, violation.lon], {
      pane: "liveViolations", className: "live-violation", radius: 5, weight: 1.5, color: "#fff", fillColor: "#7c3aed", fillOpacity: 0.9,
    }).bindPopup(
      el("div", { class: "live-popup" }, [
        el("a", { href: violation.url, text: violation.reference }),
        el("div", { text: violation.category }),
        el("div", { text: when(violation.occurred_at) }),
      ])
    );
    marker.addTo(layers.violations);
    state.violations.set(violation.id, { data: violation, marker: marker });
  }
  function drawAlert(alert) {
    let entry = state.alerts.get(alert.id);
    if (!entry) {
      const marker = L.circleMarker([alert.lat, alert.lon], {
        pane: "liveViolations", radius: 12, weight: 2, color: "#dc2626", dashArray: "3 3", fill: false, interactive: false,
      }).addTo(layers.alerts);
      entry = { data: alert, marker: marker };
      state.alerts.set(alert.id, entry);
    }
    entry.data = alert;
    entry.marker.setStyle({ opacity: alert.acknowledged ? 0.4 : 1 });
  }
  function drawZones(zones) {
    const key = JSON.stringify(zones);
    if (key === state.zonesKey) return;
    state.zonesKey = key;
    layers.zones.clearLayers();
    L.geoJSON(zones, {
      pane: "liveZones",
      style: (feature) => ({ color: feature.properties.colour, weight: 2, fillColor: feature.properties.colour, fillOpacity: 0.08 }),
      onEachFeature: (feature, layer) => layer.bindTooltip(txt.text(feature.properties.name), { sticky: true }),
    }).addTo(layers.zones);
  }
  function removeMissing(collection, ids, layer, extra) {
    collection.forEach((entry, id) => {
      if (ids.has(id)) return;
      if (entry.marker) layer.removeLayer(entry.marker);
      if (extra && entry.tail) extra.removeLayer(entry.tail);
      if (entry.area) layer.removeLayer(entry.area);
      collection.delete(id);
    });
  }

  // ---------------------------------------------------------------- call signs
  // A unit's call sign stands beside its marker unless it would cover another unit's
  // marker or a call sign already placed (units close together, a phone's small map):
  // then it waits for a closer zoom, and a tap on the marker names the unit.
  function overlaps(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }
  function declutterLabels() {
    const entries = Array.from(state.units.values()).filter((entry) => entry.marker && entry.marker.getTooltip());
    const markers = entries.map((entry) => {
      const path = entry.marker.getElement && entry.marker.getElement();
      return path ? path.getBoundingClientRect() : null;
    });
    const placed = [];
    entries.forEach((entry, index) => {
      const label = entry.marker.getTooltip().getElement();
      if (!label) return;
      // visibility only: the box is the same whether the label shows or not.
      const box = label.getBoundingClientRect();
      const clash =
        markers.some((marker, other) => other !== index && marker && overlaps(box, marker)) ||
        placed.some((other) => overlaps(box, other));
      label.classList.toggle("live-label--hidden", clash);
      if (!clash) placed.push(box);
    });
  }
  live.map.on("zoomend", declutterLabels);

  Object.assign(live, {
    declutterLabels: declutterLabels,
    drawUnit: drawUnit,
    drawTask: drawTask,
    drawTaskArea: drawTaskArea,
    loadAreas: loadAreas,
    drawViolation: drawViolation,
    drawAlert: drawAlert,
    drawZones: drawZones,
    removeMissing: removeMissing,
  });
})();
