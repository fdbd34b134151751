// The dispatcher's live map, part 1 of 5: what the other parts share. The page polls
// the live feed about once a second with the version it holds (the server answers
// {changed: false} while nothing changed), and updates markers in place: no flicker,
// open popups stay open. The side panel lists tasks, geofence alerts and units; a task
// opens its panel with the recommended units, one click assigns. Dispatchers also
// place new tasks on the map.
//
// The parts, loaded in this order by templates/dispatch/live_map.html:
//   live_core.js       the page's configuration, the map and its layers, the state, helpers
//   live_layers.js     units, tasks, violations, alerts and zones drawn on the map
//   live_lists.js      the side panel's task, unit and alert lists
//   live_task_panel.js the open task: facts, recommended units, assigning, cancelling
//   (live_task_place.js and live_task_form.js: the "New task" form, for those who may
//    create tasks)
//   live.js            applying the feed, polling, creating tasks, the phone layout
// Each part adds its functions to window.DispatchLive (set here only when the page is
// the live map); they call each other through it, so the order matters only for start-up.
(function () {
  "use strict";
  const root = document.querySelector("[data-live]");
  const mapElement = document.getElementById("live-map");
  if (!root || !mapElement || !window.L) return;

  const config = JSON.parse(document.getElementById("live-config").textContent);
  const T = config.text;
  const txt = window.PortalText;
  const { fill } = txt;
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
    // The server's clock, as far as the last feed tells: ages are measured against it,
    // so a browser whose clock is off still shows the right "12 s ago".
    clockOffset: 0,
  };

  // ---------------------------------------------------------------- small helpers
  function urlFor(template, id) {
    return template.replace("/0/", "/" + id + "/");
  }
  // Times in the portal's time zone on the 24-hour clock (PortalText.clock).
  function when(iso) {
    return txt.clock(iso, { date: true });
  }
  const numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  function serverNow() {
    return Date.now() + state.clockOffset;
  }
  function age(iso) {
    if (!iso) return T.noReport;
    const seconds = Math.max(0, Math.round((serverNow() - new Date(iso).getTime()) / 1000));
    if (seconds < 90) return fill(T.secondsAgo, { n: seconds });
    if (seconds < 90 * 60) return fill(T.minutesAgo, { n: Math.round(seconds / 60) });
    if (seconds < 36 * 3600) return fill(T.hoursAgo, { n: Math.round(seconds / 3600) });
    return fill(T.daysAgo, { n: Math.round(seconds / 86400) });
  }
  function km(metres) {
    return fill(T.km, { n: numberFormat.format(metres / 1000) });
  }
  function errorText(result) {
    return window.PortalHttp.firstErrorMessage(result.body, T.failed);
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

  // What the parts share; each part adds its own functions.
  window.DispatchLive = {
    root: root,
    config: config,
    T: T,
    can: config.can,
    map: map,
    layers: layers,
    state: state,
    STATUS_COLOURS: STATUS_COLOURS,
    OPEN_TASK: OPEN_TASK,
    STATUS_BADGE: STATUS_BADGE,
    PRIORITY_COLOURS: PRIORITY_COLOURS,
    UNIT_BADGE: UNIT_BADGE,
    urlFor: urlFor,
    when: when,
    serverNow: serverNow,
    age: age,
    km: km,
    errorText: errorText,
    taskForm: null, // {prefill(values)} once live.js has set the form up
  };
})();
