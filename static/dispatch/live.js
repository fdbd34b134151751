// The dispatcher's live map. Polls the live feed about once a second with the version
// it holds (the server answers {changed: false} while nothing changed), and updates
// markers in place: no flicker, open popups stay open. The side panel lists tasks,
// geofence alerts and units; a task opens its panel with the recommended units, one
// click assigns. Dispatchers also place new tasks on the map.
(function () {
  "use strict";
  const root = document.querySelector("[data-live]");
  const mapElement = document.getElementById("live-map");
  if (!root || !mapElement || !window.L) return;

  const config = JSON.parse(document.getElementById("live-config").textContent);
  const T = config.text;
  const can = config.can;
  const txt = window.PortalText;
  const http = window.PortalHttp;
  const { el, fill } = txt;
  const lang = txt.language || "en";

  const STATUS_COLOURS = {
    available: "#16a34a",
    busy: "#d97706",
    off_duty: "#6b7280",
    out_of_service: "#dc2626",
  };
  const OPEN_TASK = new Set(["new", "assigned", "acknowledged", "en_route", "on_scene"]);
  const STATUS_BADGE = {
    new: "badge--info",
    assigned: "badge--warn",
    acknowledged: "badge--warn",
    en_route: "badge--warn",
    on_scene: "badge--warn",
    completed: "badge--ok",
    cancelled: "",
  };
  const PRIORITY_COLOURS = { 1: "#64748b", 2: "#2563eb", 3: "#ea580c", 4: "#b91c1c" };
  const UNIT_BADGE = { available: "badge--ok", busy: "badge--warn", off_duty: "", out_of_service: "badge--bad" };

  // ---------------------------------------------------------------- small helpers
  function urlFor(template, id) {
    return template.replace("/0/", "/" + id + "/");
  }
  // Times in the portal's time zone on the 24-hour clock (PortalText.clock).
  function when(iso) {
    return txt.clock(iso, { date: true });
  }
  const numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  // The server's clock, as far as the last feed tells: ages are measured against it,
  // so a browser whose clock is off still shows the right "12 s ago".
  let clockOffset = 0;
  function age(iso) {
    if (!iso) return T.noReport;
    const seconds = Math.max(0, Math.round((Date.now() + clockOffset - new Date(iso).getTime()) / 1000));
    if (seconds < 90) return fill(T.secondsAgo, { n: seconds });
    if (seconds < 90 * 60) return fill(T.minutesAgo, { n: Math.round(seconds / 60) });
    if (seconds < 36 * 3600) return fill(T.hoursAgo, { n: Math.round(seconds / 3600) });
    return fill(T.daysAgo, { n: Math.round(seconds / 86400) });
  }
  function km(metres) {
    return fill(T.km, { n: numberFormat.format(metres / 1000) });
  }
  const send = http.postJson;
  function errorText(result) {
    return http.firstErrorMessage(result.body, T.failed);
  }

  // ---------------------------------------------------------------- the map
  const map = window.PortalMap.create(mapElement);
  // Own panes keep the live layers above the reference layers, which arrive later.
  [["liveZones", 390], ["liveTaskAreas", 400], ["liveTails", 410], ["liveViolations", 420], ["liveUnits", 430]].forEach(([name, z]) => {
    map.createPane(name).style.zIndex = String(z);
  });
  const layers = {
    zones: L.layerGroup().addTo(map),
    violations: L.layerGroup().addTo(map),
    tails: L.layerGroup().addTo(map),
    units: L.layerGroup().addTo(map),
    tasks: L.layerGroup().addTo(map),
    alerts: L.layerGroup().addTo(map),
  };
  const layerNames = config.layers;
  const control = L.control.layers(null, null, { collapsed: true, position: "topright" }).addTo(map);
  [["units", "units"], ["tails", "tails"], ["tasks", "tasks"], ["alerts", "alerts"], ["violations", "violations"], ["zones", "zones"]].forEach(
    ([key, name]) => control.addOverlay(layers[key], layerNames[name] || name)
  );
  map.on("portal:referencelayers", (event) => {
    ["operational_area", "countries", "borders", "crossing_points"].forEach((key) => {
      const layer = event.layers[key];
      if (layer) control.addOverlay(layer, layerNames[key] || key);
    });
  });

  // ---------------------------------------------------------------- state
  const state = {
    version: null,
    units: new Map(), // id -> {data, marker, tail}
    tasks: new Map(), // id -> {data, marker, area}
    areas: new Map(), // task id -> GeoJSON Polygon, or null for a task placed at a point
    violations: new Map(), // id -> {data, marker}
    alerts: new Map(),
    zonesKey: "",
    selectedTask: null,
    selectedGone: null, // the selected task left the open list; its end is shown
    fitted: false,
    tailsAt: 0, // when the server last sent the tails (ms)
  };
  // For tests and for the curious: the live state, read-only by convention.
  window.LiveMap = {
    map: map,
    unitLatLng: (id) => {
      const entry = state.units.get(Number(id));
      return entry && entry.marker ? entry.marker.getLatLng() : null;
    },
    taskIds: () => Array.from(state.tasks.keys()),
    version: () => state.version,
  };

  // ---------------------------------------------------------------- units
  // Popups and tooltips are built from elements: what the server sends is text.
  function unitPopup(unit) {
    const speed = unit.speed_kmh !== null && unit.speed_kmh !== undefined;
    return el("div", { class: "live-popup" }, [
      el("div", {}, [el("strong", { text: unit.call_sign }), " · " + unit.status_label]),
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
    const cutoff = (Date.now() + clockOffset) / 1000 - TAIL_SECONDS;
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
        .bindTooltip(txt.text(unit.call_sign), { permanent: true, direction: "right", offset: [10, 0], className: "live-label", pane: "tooltipPane" })
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
        .on("click", () => openTask(task.id))
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
        .on("click", () => openTask(task.id))
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
      .getJson(config.urls.taskList + "?" + params.toString())
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

  // ---------------------------------------------------------------- side panel lists
  const taskList = root.querySelector("[data-task-list]");
  const unitList = root.querySelector("[data-unit-list]");
  const alertList = root.querySelector("[data-alert-list]");
  const truncatedNote = root.querySelector("[data-tasks-truncated]");
  function setCount(name, count) {
    const badge = root.querySelector('[data-count="' + name + '"]');
    if (badge) badge.textContent = String(count);
  }
  function emptyRow(text) {
    return el("li", { class: "live-list__empty muted", text: text });
  }
  // Lists are updated row by row: a row is rebuilt only when what it shows changed, so
  // that a poll never takes the focus or a half-done click away from the dispatcher.
  function syncList(list, items, keyOf, render, update, emptyText) {
    if (!list.rows) list.rows = new Map();
    const rows = list.rows;
    if (!items.length) {
      rows.clear();
      list.replaceChildren(emptyRow(emptyText));
      return;
    }
    const empty = list.querySelector(".live-list__empty");
    if (empty) empty.remove();
    const seen = new Set();
    items.forEach((item, index) => {
      seen.add(item.id);
      const key = keyOf(item);
      let row = rows.get(item.id);
      if (!row || row.key !== key) {
        const node = render(item);
        if (row) row.node.replaceWith(node);
        row = { key: key, node: node };
        rows.set(item.id, row);
      }
      if (update) update(row.node, item);
      const here = list.children[index];
      if (here !== row.node) list.insertBefore(row.node, here || null);
    });
    rows.forEach((row, id) => {
      if (seen.has(id)) return;
      row.node.remove();
      rows.delete(id);
    });
  }
  function taskRow(task) {
    const meta = [task.kind_label, task.priority_label, task.unit || T.unassigned].join(" · ");
    return el("li", { class: "live-row-wrap" + (OPEN_TASK.has(task.status) ? "" : " is-closed") }, [
      el(
        "button",
        {
          type: "button",
          class: "live-row" + (state.selectedTask === task.id ? " is-selected" : ""),
          dataset: { taskId: task.id, status: task.status },
          "aria-pressed": state.selectedTask === task.id ? "true" : "false",
          onclick: () => openTask(task.id),
        },
        [
          el("span", { class: "live-row__main" }, [
            el("span", { class: "live-prio live-prio--p" + task.priority, "aria-hidden": "true" }),
            el("span", { class: "live-row__title", text: task.title }),
          ]),
          el("span", { class: "live-row__meta" }, [
            el("span", { class: "badge " + (STATUS_BADGE[task.status] || ""), dataset: { taskStatus: task.status }, text: task.status_label }),
            el("span", { class: "muted", text: meta }),
          ]),
        ]
      ),
    ]);
  }
  let tasksTruncated = false;
  function renderTaskList(feed) {
    const tasks = feed.tasks;
    tasksTruncated = feed.tasks_truncated;
    const open = tasks.filter((task) => OPEN_TASK.has(task.status));
    setCount("tasks", open.length);
    syncList(
      taskList,
      tasks,
      (task) => JSON.stringify([task.title, task.status, task.status_label, task.priority, task.kind_label, task.unit]),
      taskRow,
      null,
      T.noTasks
    );
    refreshTaskList();
    truncatedNote.hidden = !feed.tasks_truncated;
    truncatedNote.textContent = feed.tasks_truncated ? fill(T.tasksTruncated, { n: tasks.length }) : "";
  }
  // Between polls (after a create or an assignment here), from what this page knows.
  function rerenderTasks() {
    const tasks = Array.from(state.tasks.values())
      .map((entry) => entry.data)
      .sort((a, b) => b.priority - a.priority || (a.created_at < b.created_at ? -1 : 1));
    renderTaskList({ tasks: tasks, tasks_truncated: tasksTruncated });
  }
  function unitRow(unit) {
    return el("li", { class: "live-row-wrap" }, [
      el(
        "button",
        {
          type: "button",
          class: "live-row live-row--unit",
          dataset: { unitId: unit.id, lat: unit.lat === null ? "" : unit.lat, lon: unit.lon === null ? "" : unit.lon },
          "aria-label": fill(T.focusUnit, { unit: unit.call_sign }),
          disabled: unit.lat === null,
          onclick: () => focusUnit(unit.id),
        },
        [
          el("span", { class: "live-row__main" }, [
            el("span", { class: "live-dot", style: "background:" + (STATUS_COLOURS[unit.status] || "#6b7280"), "aria-hidden": "true" }),
            el("span", { class: "live-row__title", text: unit.call_sign }),
            el("span", { class: "badge " + (UNIT_BADGE[unit.status] || ""), text: unit.status_label }),
          ]),
          el("span", { class: "live-row__meta muted" }, [
            el("span", { dataset: { age: unit.last_reported_at || "" }, text: age(unit.last_reported_at) }),
            el("span", { text: unit.zone ? " · " + unit.zone : "" }),
          ]),
        ]
      ),
    ]);
  }
  function renderUnitList(units) {
    setCount("units", units.length);
    syncList(
      unitList,
      units,
      (unit) => JSON.stringify([unit.call_sign, unit.status, unit.status_label, unit.zone, unit.lat === null]),
      unitRow,
      (node, unit) => {
        const button = node.querySelector("[data-unit-id]");
        button.dataset.lat = unit.lat === null ? "" : unit.lat;
        button.dataset.lon = unit.lon === null ? "" : unit.lon;
        const ageNode = node.querySelector("[data-age]");
        ageNode.dataset.age = unit.last_reported_at || "";
        ageNode.textContent = age(unit.last_reported_at);
      },
      T.noUnits
    );
  }
  function alertRow(alert) {
    const text = fill(T.outside, { distance: km(alert.distance_m), zone: alert.zone });
    const actions = [];
    // A task already answers the alert: the way to it. Otherwise, for dispatchers, the
    // way to send one.
    if (alert.task_id && state.tasks.has(alert.task_id)) {
      actions.push(
        el("button", {
          type: "button",
          class: "btn btn--secondary btn--small live-alert__task",
          dataset: { alertTask: alert.task_id },
          "aria-label": fill(T.showTaskFor, { unit: alert.unit }),
          text: T.taskSent,
          onclick: () => openTask(alert.task_id),
        })
      );
    } else if (can.create && taskForm) {
      actions.push(
        el("button", {
          type: "button",
          class: "btn btn--small",
          "aria-label": fill(T.sendTaskFor, { unit: alert.unit }),
          text: T.sendTask,
          onclick: () => sendTaskFor(alert),
        })
      );
    }
    if (alert.acknowledged) {
      actions.push(el("span", { class: "badge", text: T.acknowledged }));
    } else if (can.acknowledge) {
      actions.push(
        el("button", {
          type: "button",
          class: "btn btn--secondary btn--small",
          "aria-label": fill(T.acknowledgeAlert, { unit: alert.unit }),
          text: T.acknowledge,
          onclick: (event) => acknowledge(alert, event.currentTarget),
        })
      );
    }
    return el("li", { class: "live-alert", dataset: { alertId: alert.id } }, [
      el("div", { class: "live-alert__text" }, [
        el("button", { type: "button", class: "link-button live-alert__unit", text: alert.unit, onclick: () => map.setView([alert.lat, alert.lon], Math.max(map.getZoom(), 12)) }),
        el("span", { class: "small", text: " " + text }),
        el("span", { class: "muted small live-alert__when", text: fill(T.leftAt, { time: txt.clock(alert.left_at) }) }),
      ]),
      el("div", { class: "live-alert__actions" }, actions),
    ]);
  }
  function renderAlertList(alerts) {
    setCount("alerts", alerts.filter((alert) => !alert.acknowledged).length);
    const badge = root.querySelector('[data-count="alerts"]');
    if (badge) badge.classList.toggle("badge--bad", alerts.some((alert) => !alert.acknowledged));
    syncList(
      alertList,
      alerts,
      (alert) =>
        JSON.stringify([alert.unit, alert.zone, alert.distance_m, alert.left_at, alert.acknowledged, alert.task_id && state.tasks.has(alert.task_id)]),
      alertRow,
      null,
      T.noAlerts
    );
  }
  function acknowledge(alert, button) {
    button.disabled = true;
    send(urlFor(config.urls.alertAcknowledge, alert.id)).then((result) => {
      if (!result.ok) {
        button.disabled = false;
        showStatus(errorText(result), true);
        return;
      }
      alert.acknowledged = true;
      drawAlert(alert);
      renderAlertList(Array.from(state.alerts.values()).map((entry) => entry.data));
      state.version = null;
    });
  }
  function focusUnit(id) {
    const entry = state.units.get(id);
    if (!entry || !entry.marker) return;
    map.setView(entry.marker.getLatLng(), Math.max(map.getZoom(), 12));
    entry.marker.openPopup();
  }
  function refreshAges() {
    unitList.querySelectorAll("[data-age]").forEach((node) => {
      node.textContent = age(node.dataset.age || null);
    });
  }

  // ---------------------------------------------------------------- applying a feed
  function apply(feed) {
    clockOffset = new Date(feed.generated_at).getTime() - Date.now();
    drawZones(feed.zones);
    feed.units.forEach(drawUnit);
    removeMissing(state.units, new Set(feed.units.map((u) => u.id)), layers.units, layers.tails);
    feed.tasks.forEach(drawTask);
    removeMissing(state.tasks, new Set(feed.tasks.map((t) => t.id)), layers.tasks);
    loadAreas(feed);
    feed.violations.forEach(drawViolation);
    removeMissing(state.violations, new Set(feed.violations.map((v) => v.id)), layers.violations);
    feed.alerts.forEach(drawAlert);
    removeMissing(state.alerts, new Set(feed.alerts.map((a) => a.id)), layers.alerts);
    renderTaskList(feed);
    renderUnitList(feed.units);
    renderAlertList(feed.alerts);
    if (state.selectedTask !== null) {
      const entry = state.tasks.get(state.selectedTask);
      if (entry) {
        refreshTaskPanel(entry.data);
        refreshStaleDetail(entry.data);
        const stale = recommendations && recommendations.taskId === entry.data.id && Date.now() - (recommendations.at || 0) > 15000;
        if (can.assign && stale && (entry.data.status === "new" || entry.data.status === "assigned")) loadRecommendations(entry.data.id);
      } else if (state.selectedGone !== state.selectedTask) {
        // Completed or cancelled: it left the open list; the panel shows how it ended.
        state.selectedGone = state.selectedTask;
        loadTaskDetail(state.selectedTask);
      }
    }
    if (!state.fitted) {
      state.fitted = true;
      const points = feed.units.filter((u) => u.lat !== null).map((u) => [u.lat, u.lon])
        .concat(feed.tasks.filter((t) => t.lat !== null && OPEN_TASK.has(t.status)).map((t) => [t.lat, t.lon]));
      if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.25), { maxZoom: 11 });
    }
  }

  // ---------------------------------------------------------------- polling
  const statusBox = root.querySelector("[data-live-status]");
  const statusText = root.querySelector("[data-live-status-text]");
  let lastOk = null;
  let stopped = false;
  function showStatus(text, bad) {
    statusText.textContent = text;
    statusBox.classList.toggle("is-bad", Boolean(bad));
  }
  function tick() {
    if (lastOk) showStatus(T.live + " · " + fill(T.updated, { time: txt.clock(lastOk) }), false);
    refreshAges();
  }
  function poll() {
    if (stopped) return;
    // Tails are the costly part of the picture: asked for once a minute.
    const wantTails = Date.now() - state.tailsAt > 60000;
    const params = new URLSearchParams({ tails: wantTails ? "1" : "0" });
    if (state.version) params.set("version", state.version);
    const url = config.urls.feed + "?" + params.toString();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (response.status === 401 || response.status === 403) {
          stopped = true;
          showStatus(T.signedOut, true);
          return null;
        }
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then((feed) => {
        if (!feed) return;
        lastOk = new Date();
        if (feed.changed !== false) {
          apply(feed);
          if (wantTails) state.tailsAt = Date.now();
          answerAlertOfAddress();
        }
        state.version = feed.version;
        root.dataset.version = feed.version;
        tick();
      })
      .catch(() => showStatus(T.offline, true))
      .finally(() => {
        if (!stopped) setTimeout(poll, document.hidden ? config.pollMs * 5 : config.pollMs);
      });
  }

  // ---------------------------------------------------------------- the task panel
  const taskPanel = root.querySelector("[data-task-panel]");
  const panelWords = txt.readTexts(taskPanel);
  // How long a step took: "45 s", "2 min 05 s", "1 h 07 min"; empty when not reached.
  function duration(seconds) {
    if (seconds === null || seconds === undefined || seconds === "" || !Number.isFinite(Number(seconds))) return "";
    const total = Math.max(0, Math.round(Number(seconds)));
    const two = (n) => String(n).padStart(2, "0");
    if (total < 60) return fill(panelWords.durationSeconds, { s: total });
    if (total < 3600) return fill(panelWords.durationMinutes, { m: Math.floor(total / 60), s: two(total % 60) });
    return fill(panelWords.durationHours, { h: Math.floor(total / 3600), m: two(Math.floor((total % 3600) / 60)) });
  }
  function placeText(task) {
    if (task.lat === null || task.lat === undefined) return "";
    const centre = { lat: task.lat.toFixed(5), lon: task.lon.toFixed(5) };
    return state.areas.get(task.id) ? fill(panelWords.areaPlace, centre) : centre.lat + ", " + centre.lon;
  }
  let panelMessage = null; // {text, bad}
  let recommendations = null; // {taskId, items | null (loading) | error}
  let history = null; // {taskId, events}

  function openTask(id) {
    const previous = state.selectedTask;
    state.selectedTask = id;
    state.selectedGone = null;
    panelMessage = null;
    recommendations = null;
    history = null;
    [previous, id].forEach((taskId) => {
      const entry = state.tasks.get(taskId);
      if (entry) drawTask(entry.data);
    });
    const entry = state.tasks.get(id);
    if (!entry) return;
    refreshTaskList();
    refreshTaskPanel(entry.data, true);
    loadTaskDetail(id);
    if (entry.marker && !map.getBounds().pad(-0.1).contains(entry.marker.getLatLng())) {
      map.panTo(entry.marker.getLatLng());
    }
    setPanelOpen(true);
  }
  function closeTask() {
    const previous = state.selectedTask;
    state.selectedTask = null;
    taskPanel.hidden = true;
    taskPanel.replaceChildren();
    const entry = state.tasks.get(previous);
    if (entry) drawTask(entry.data);
    refreshTaskList();
  }
  function refreshTaskList() {
    taskList.querySelectorAll("[data-task-id]").forEach((button) => {
      const selected = Number(button.dataset.taskId) === state.selectedTask;
      button.classList.toggle("is-selected", selected);
      button.setAttribute("aria-pressed", selected ? "true" : "false");
    });
  }
  function loadTaskDetail(id, withRecommendations) {
    http
      .getJson(urlFor(config.urls.taskDetail, id))
      .then((detail) => {
        if (state.selectedTask !== id) return;
        history = { taskId: id, detail: detail };
        const entry = state.tasks.get(id);
        refreshTaskPanel(entry ? entry.data : taskFromDetail(detail));
      })
      .catch(() => {});
    if (withRecommendations === false) return;
    const entry = state.tasks.get(id);
    if (can.assign && entry && (entry.data.status === "new" || entry.data.status === "assigned")) loadRecommendations(id);
  }

  // The officer moved the selected task on (the feed says so): its history and response
  // times are read again, once per change.
  let detailAskedFor = null;
  function refreshStaleDetail(task) {
    if (!history || history.taskId !== task.id) return;
    if (Date.parse(history.detail.updated_at) === Date.parse(task.updated_at)) return;
    const key = task.id + "@" + task.updated_at;
    if (detailAskedFor === key) return;
    detailAskedFor = key;
    loadTaskDetail(task.id, false);
  }
  function loadRecommendations(id) {
    // Reloading for the same task keeps the list on screen until the new one is here.
    if (!recommendations || recommendations.taskId !== id) recommendations = { taskId: id, items: null };
    recommendations.at = Date.now();
    http
      .getJson(urlFor(config.urls.taskRecommendations, id))
      .then((items) => {
        if (state.selectedTask !== id) return;
        recommendations = { taskId: id, items: items, at: Date.now() };
        const entry = state.tasks.get(id);
        if (entry) refreshTaskPanel(entry.data);
      })
      .catch(() => {
        if (state.selectedTask === id) recommendations = { taskId: id, items: [], error: true, at: Date.now() };
      });
  }
  function taskFromDetail(detail) {
    return {
      id: detail.id,
      title: detail.title,
      kind: detail.kind,
      kind_label: detail.kind_label,
      priority: detail.priority,
      priority_label: detail.priority_label,
      status: detail.status,
      status_label: detail.status_label,
      lat: detail.latitude,
      lon: detail.longitude,
      area: detail.area || null,
      unit_id: detail.unit_id,
      unit: detail.unit,
      created_at: detail.created_at,
      updated_at: detail.updated_at,
    };
  }
  function fact(label, value) {
    if (value === null || value === undefined || value === "") return null;
    return [el("dt", { text: label }), el("dd", { text: value })];
  }
  function recommendationList(task) {
    if (!can.assign || !(task.status === "new" || task.status === "assigned")) return null;
    const heading = el("h3", { class: "live-task__subtitle", text: task.status === "assigned" ? T.reassign : T.recommended });
    const help = el("p", { class: "muted small", text: T.recommendedHelp });
    if (!recommendations || recommendations.taskId !== task.id || recommendations.items === null) {
      return el("div", { class: "live-task__section" }, [heading, el("p", { class: "muted", text: T.loading })]);
    }
    const items = recommendations.items.filter((item) => item.unit_id !== task.unit_id);
    if (!items.length) {
      return el("div", { class: "live-task__section" }, [heading, el("p", { class: "muted", text: recommendations.error ? T.failed : T.noRecommendations })]);
    }
    const list = el(
      "ul",
      { class: "live-recs", "aria-label": T.recommended },
      items.map((item) =>
        el("li", { class: "live-rec", dataset: { unitId: item.unit_id } }, [
          el("div", { class: "live-rec__unit" }, [
            el("strong", { text: item.call_sign }),
            el("span", { class: "live-rec__distance", text: km(item.distance_m) }),
            item.off_zone ? el("span", { class: "badge badge--warn", text: T.offZone }) : null,
            item.off_shift ? el("span", { class: "badge badge--warn", text: T.offShift }) : null,
          ]),
          el("button", {
            type: "button",
            class: "btn btn--small",
            "aria-label": fill(T.assignUnit, { unit: item.call_sign }),
            text: T.assign,
            onclick: (event) => assign(task, item, event.currentTarget),
          }),
        ])
      )
    );
    return el("div", { class: "live-task__section" }, [heading, help, list]);
  }
  function cancelForm(task) {
    if (!can.assign || !OPEN_TASK.has(task.status)) return null;
    const reasonId = "live-cancel-reason-" + task.id;
    const errors = el("ul", { class: "errorlist", id: reasonId + "-errors" });
    const reason = el("textarea", { id: reasonId, name: "reason", rows: "2", maxlength: "300", "aria-describedby": reasonId + "-errors" });
    const form = el("form", { class: "live-cancel", novalidate: true }, [
      el("div", { class: "field" }, [el("label", { for: reasonId, text: T.reason }), reason, errors]),
      el("button", { type: "submit", class: "btn btn--danger btn--small", text: T.cancelTask }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const note = reason.value.trim();
      if (!note) {
        errors.replaceChildren(el("li", { text: T.reasonRequired }));
        reason.focus();
        return;
      }
      transition(task, { status: "cancelled", note: note, expected_status: task.status }, T.cancelled);
    });
    const details = el("details", { class: "live-task__section live-cancel-wrap" }, [el("summary", { text: T.cancelThisTask }), form]);
    return details;
  }
  function historyList() {
    if (!history || history.taskId !== state.selectedTask || !history.detail.events.length) return null;
    return el("div", { class: "live-task__section" }, [
      el("h3", { class: "live-task__subtitle", text: T.history }),
      el(
        "ol",
        { class: "live-history" },
        history.detail.events.map((event) =>
          el("li", {}, [
            el("span", { class: "muted small", text: when(event.at) + " · " + (event.by || "") }),
            el("span", { text: " " + statusLabel(event.to_status) + (event.note ? " — " + event.note : "") }),
          ])
        )
      ),
    ]);
  }
  // "Answers the zone alert of VLN-1, left the zone at 10:32" (with the day when not
  // today), and when the unit is back in its zone.
  function answeredAlert(summary) {
    if (!summary) return null;
    const words = [fill(T.answersAlert, { unit: summary.unit, zone: summary.zone, time: shortWhen(summary.left_at) })];
    if (summary.returned_at) words.push(fill(T.alertReturned, { time: shortWhen(summary.returned_at) }));
    return el("p", { class: "live-task__alert", dataset: { alertId: summary.id } }, [
      el("span", { class: "live-chip__mark", "aria-hidden": "true" }),
      el("span", { text: words.join(" ") }),
    ]);
  }
  function shortWhen(iso) {
    const day = (parts) => (parts ? [parts.year, parts.month, parts.day].join("-") : "");
    const today = day(txt.dateParts(new Date(Date.now() + clockOffset)));
    return day(txt.dateParts(iso)) === today ? txt.clock(iso) : when(iso);
  }
  function statusLabel(status) {
    return config.statuses[status] || status;
  }
  let panelKey = "";
  function refreshTaskPanel(task, focus) {
    if (state.selectedTask !== task.id) return;
    const detail = history && history.taskId === task.id ? history.detail : null;
    // Rebuilt only when something it shows changed: a poll must not take the focus
    // from the "Assign" button or the cancel reason being typed.
    const recs = recommendations ? [recommendations.taskId, recommendations.items, recommendations.error] : null;
    const key = JSON.stringify([task, recs, detail && detail.updated_at, detail && detail.events.length, panelMessage, Boolean(state.areas.get(task.id))]);
    if (key === panelKey && !focus) return;
    panelKey = key;
    const windowText = detail && (detail.window_start || detail.window_end) ? when(detail.window_start) + " – " + when(detail.window_end) : "";
    const facts = [
      fact(T.status, task.status_label),
      fact(T.type, task.kind_label),
      fact(T.priority, task.priority_label),
      fact(T.unit, task.unit || T.unassigned),
      fact(T.window, windowText),
      fact(T.place, placeText(task)),
      fact(T.created, detail ? when(detail.created_at) + " · " + (detail.created_by || "") : when(task.created_at)),
      detail ? fact(panelWords.toAcknowledge, duration(detail.seconds_to_acknowledge)) : null,
      detail ? fact(panelWords.toArrive, duration(detail.seconds_to_arrive)) : null,
      detail && detail.violation_reference ? fact(T.violation, detail.violation_reference) : null,
      detail && detail.outcome ? fact(T.outcome, detail.outcome) : null,
    ].filter(Boolean).flat();
    const heading = el("h2", { class: "live-card__title", id: "live-task-title", tabindex: "-1", text: task.title });
    const children = [
      el("div", { class: "live-card__head" }, [
        heading,
        el("button", { type: "button", class: "live-close", "aria-label": T.closeTask, onclick: closeTask, text: "×" }),
      ]),
      el("p", { class: "live-task__badges" }, [
        el("span", { class: "badge " + (STATUS_BADGE[task.status] || ""), dataset: { taskStatus: task.status }, text: task.status_label }),
        el("span", { class: "live-prio-label live-prio--p" + task.priority, text: task.priority_label }),
      ]),
      panelMessage ? el("p", { class: "message " + (panelMessage.bad ? "message--error" : "message--success"), role: panelMessage.bad ? "alert" : "status", text: panelMessage.text }) : null,
      detail ? answeredAlert(detail.alert_summary) : null,
      el("dl", { class: "live-facts" }, facts),
      detail && detail.description ? el("p", { class: "live-task__description", text: detail.description }) : null,
      recommendationList(task),
      cancelForm(task),
      historyList(),
    ];
    // Keep a half-typed cancel reason across redraws.
    const open = taskPanel.querySelector(".live-cancel-wrap[open]");
    const typed = open ? open.querySelector("textarea").value : null;
    taskPanel.setAttribute("aria-labelledby", "live-task-title");
    taskPanel.replaceChildren(...children.filter(Boolean));
    taskPanel.hidden = false;
    if (typed !== null) {
      const wrap = taskPanel.querySelector(".live-cancel-wrap");
      if (wrap) {
        wrap.open = true;
        wrap.querySelector("textarea").value = typed;
      }
    }
    if (focus) heading.focus({ preventScroll: false });
  }
  function transition(task, payload, successText, button) {
    if (button) button.disabled = true;
    return send(urlFor(config.urls.taskTransition, task.id), payload).then((result) => {
      if (!result.ok) {
        if (button) button.disabled = false;
        panelMessage = { text: errorText(result), bad: true };
        refreshTaskPanel(task);
        return result;
      }
      const detail = result.body;
      const updated = Object.assign({}, task, {
        status: detail.status,
        status_label: detail.status_label,
        unit: detail.unit,
        unit_id: detail.unit_id,
        updated_at: detail.updated_at,
      });
      panelMessage = { text: fill(successText, { unit: detail.unit || "" }), bad: false };
      history = { taskId: task.id, detail: detail };
      drawTask(updated);
      rerenderTasks();
      if (updated.status === "assigned" && can.assign) loadRecommendations(task.id);
      refreshTaskPanel(updated);
      state.version = null; // the next poll brings the whole picture (the unit is busy now)
      return result;
    });
  }
  function assign(task, item, button) {
    transition(task, { status: "assigned", unit: item.unit_id, expected_status: task.status }, T.assigned, button);
  }

  // ---------------------------------------------------------------- creating a task
  // The form is static/dispatch/live_task_form.js; a created task opens in the panel.
  let taskForm = null; // {prefill(values)} for those who may create tasks
  const createPanel = root.querySelector("[data-create-panel]");
  const newTaskButton = root.querySelector("[data-new-task]");
  if (createPanel && newTaskButton && can.create && window.LiveTaskForm) {
    taskForm = window.LiveTaskForm.setUp({
      map: map,
      panel: createPanel,
      opener: newTaskButton,
      url: config.urls.taskList,
      T: T,
      onOpen: () => setPanelOpen(true),
      onCreated: (detail) => {
        const task = taskFromDetail(detail);
        state.areas.set(task.id, detail.area || null);
        drawTask(task);
        rerenderTasks();
        const answered = detail.alert !== null && detail.alert !== undefined ? state.alerts.get(detail.alert) : null;
        if (answered) {
          answered.data.task_id = task.id;
          renderAlertList(Array.from(state.alerts.values()).map((entry) => entry.data));
        }
        state.version = null;
        openTask(task.id);
        panelMessage = { text: T.created_ok, bad: false };
        refreshTaskPanel(task);
      },
    });
  }

  // "Send a task" on a zone alert: a patrol back to the zone, placed where the unit was
  // when it left, answering the alert.
  function sendTaskFor(alert) {
    if (!taskForm) return;
    closeTask();
    taskForm.prefill({
      kind: config.alertTaskKind,
      title: fill(T.returnToZone, { zone: alert.zone }),
      lat: alert.lat,
      lon: alert.lon,
      alert: { id: alert.id, unit: alert.unit },
    });
  }
  // The zone alert list links here with ?alert=<id>: once the first picture is in, the
  // alert's task (if one answers it) or a prefilled form. The parameter is then dropped
  // from the address, so that a reload does not open the form again.
  const alertNote = root.querySelector("[data-alert-note]");
  let addressAlert = new URLSearchParams(window.location.search).get("alert");
  function answerAlertOfAddress() {
    if (addressAlert === null) return;
    const id = Number(addressAlert);
    addressAlert = null;
    const address = new URL(window.location.href);
    address.searchParams.delete("alert");
    window.history.replaceState(window.history.state, "", address.pathname + address.search + address.hash);
    const entry = Number.isInteger(id) ? state.alerts.get(id) : null;
    if (!entry) {
      if (alertNote) {
        alertNote.textContent = T.alertNotOpen;
        alertNote.hidden = false;
      }
      setPanelOpen(true);
      return;
    }
    if (entry.data.task_id && state.tasks.has(entry.data.task_id)) openTask(entry.data.task_id);
    else if (can.create && taskForm) sendTaskFor(entry.data);
    map.setView([entry.data.lat, entry.data.lon], Math.max(map.getZoom(), 12));
  }

  // ---------------------------------------------------------------- the panel on a phone
  const panel = document.getElementById("live-panel");
  const panelToggle = root.querySelector("[data-panel-toggle]");
  function setPanelOpen(open) {
    panel.classList.toggle("is-collapsed", !open);
    panelToggle.setAttribute("aria-expanded", open ? "true" : "false");
    panelToggle.textContent = open ? panelToggle.dataset.textHide : panelToggle.dataset.textShow;
    setTimeout(() => map.invalidateSize(), 0);
  }
  panelToggle.addEventListener("click", () => setPanelOpen(panel.classList.contains("is-collapsed")));
  if (window.matchMedia("(max-width: 760px)").matches) setPanelOpen(false);

  poll();
})();
