// "Share my position" (on My unit in full, on My tasks in one line) and, on My unit, the
// patrol zone and the unit's last position on a map (from the API). The switch runs
// navigator.geolocation.watchPosition into a small queue kept on the phone
// (localStorage), sent in batches to the session-authenticated endpoint and retried
// while the connection is down; the server stores the reports for the officer's own
// unit only. The choice is remembered, so sharing carries on from one page to the
// other. Texts come from data-text-* attributes.
(function () {
  "use strict";
  const txt = window.PortalText;
  const http = window.PortalHttp;

  // --- map: zone, last reported position, this phone -----------------------------------
  const mapElement = document.getElementById("unit-map");
  const map = mapElement ? window.PortalMap.create(mapElement) : null;
  let here = null; // this phone's position and accuracy circle
  let known = null; // the zone and the last reported position, from the API
  function frame() {
    const bounds = L.latLngBounds([]);
    if (known && known.isValid()) bounds.extend(known);
    if (here) bounds.extend(here.dot.getLatLng());
    if (!bounds.isValid()) return;
    // data-framed="true" once the map has come to rest on what it frames: fitBounds
    // animates the zoom and starts it only on the next frame, so the browser tests
    // (tests/e2e) wait for this rather than for a fixed time. moveend always follows.
    mapElement.dataset.framed = "false";
    map.once("moveend", () => (mapElement.dataset.framed = "true"));
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }
  if (map) {
    const labels = txt.readTexts(mapElement);
    http
      .getJson(mapElement.dataset.unitUrl, { fallback: null })
      .then((unit) => {
        if (!unit) return;
        const bounds = L.latLngBounds([]);
        const shift = unit.shift || unit.next_shift;
        if (shift && shift.zone) {
          const zone = L.geoJSON(shift.zone.area, {
            style: { color: shift.zone.colour, weight: 2, fillColor: shift.zone.colour, fillOpacity: 0.12 },
          })
            .bindTooltip(txt.text(labels.zone + ": " + shift.zone.name))
            .addTo(map);
          bounds.extend(zone.getBounds());
        }
        if (unit.latitude !== null && unit.longitude !== null) {
          const latlng = [unit.latitude, unit.longitude];
          L.circleMarker(latlng, { radius: 8, weight: 3, color: "#fff", fillColor: "#0b2545", fillOpacity: 1 })
            .bindTooltip(txt.text(labels.lastPosition + " · " + unit.call_sign))
            .addTo(map);
          bounds.extend(latlng);
        }
        known = bounds;
        frame();
      })
      .catch(() => {});
  }
  function showHere(latitude, longitude, accuracy) {
    if (!map) return;
    const latlng = [latitude, longitude];
    if (!here) {
      here = {
        circle: L.circle(latlng, { radius: accuracy || 0, weight: 1, color: "#1d4ed8", fillOpacity: 0.1 }).addTo(map),
        dot: L.circleMarker(latlng, { radius: 7, weight: 3, color: "#fff", fillColor: "#1d4ed8", fillOpacity: 1 })
          .bindTooltip(txt.text(txt.readTexts(mapElement).you || ""))
          .addTo(map),
      };
      frame();
    } else {
      here.circle.setLatLng(latlng).setRadius(accuracy || 0);
      here.dot.setLatLng(latlng);
    }
  }

  // --- sharing -------------------------------------------------------------------------
  const panel = document.querySelector("[data-share]");
  if (!panel) return;
  const text = txt.readTexts(panel);
  const toggle = panel.querySelector("[data-share-toggle]");
  const lastSent = panel.querySelector("[data-last-sent]");
  const accuracyOut = panel.querySelector("[data-accuracy]");
  const queueOut = panel.querySelector("[data-queue]");
  const message = panel.querySelector("[data-share-message]");

  const QUEUE_KEY = "cep-positions:" + panel.dataset.user; // per officer on a shared phone
  const WANTED_KEY = "cep-share-position:" + panel.dataset.user;
  const MAX_QUEUE = 500; // about 40 minutes at one report each 5 s; the oldest go first
  const BATCH = 100;
  const EVERY_MS = 5000; // one report each 5 s is plenty for dispatch
  const RETRY_MS = 10000;

  let queue = load();
  let watchId = null;
  let lastQueuedAt = 0;
  let sending = false;

  function load() {
    try {
      const stored = JSON.parse(localStorage.getItem(QUEUE_KEY));
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }
  function save() {
    try {
      localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    } catch (error) {
      /* storage full or disabled: the queue lives in memory only */
    }
    queueOut.textContent = String(queue.length);
  }
  function remember(wanted) {
    try {
      localStorage.setItem(WANTED_KEY, wanted ? "on" : "off");
    } catch (error) {
      /* storage disabled */
    }
  }
  function wanted() {
    try {
      return localStorage.getItem(WANTED_KEY) === "on";
    } catch (error) {
      return false;
    }
  }
  function say(words) {
    message.textContent = words;
  }
  function finite(value) {
    return typeof value === "number" && Number.isFinite(value);
  }

  function onPosition(position) {
    const coords = position.coords;
    accuracyOut.textContent = txt.fill(text.accuracy, { n: Math.round(coords.accuracy) });
    showHere(coords.latitude, coords.longitude, coords.accuracy);
    const at = position.timestamp || Date.now();
    if (at - lastQueuedAt < EVERY_MS) return;
    lastQueuedAt = at;
    const report = {
      device_time: new Date(at).toISOString(),
      latitude: Number(coords.latitude.toFixed(7)),
      longitude: Number(coords.longitude.toFixed(7)),
    };
    if (finite(coords.accuracy)) report.accuracy_m = Math.round(coords.accuracy * 10) / 10;
    if (finite(coords.speed)) report.speed_kmh = Math.round(coords.speed * 36) / 10;
    if (finite(coords.heading)) report.heading_deg = Math.round(coords.heading) % 360;
    queue.push(report);
    if (queue.length > MAX_QUEUE) queue.splice(0, queue.length - MAX_QUEUE);
    save();
    if (message.textContent === text.waitingFix || message.textContent === text.unavailable) say(text.sharing);
    flush();
  }

  function onError(error) {
    if (error.code === error.PERMISSION_DENIED) {
      stop();
      remember(false);
      say(text.denied);
    } else {
      say(text.unavailable); // watchPosition keeps trying
    }
  }

  function start() {
    if (!navigator.geolocation) {
      toggle.checked = false;
      say(text.noGeolocation);
      return;
    }
    if (watchId !== null) return;
    toggle.checked = true;
    say(text.waitingFix);
    watchId = navigator.geolocation.watchPosition(onPosition, onError, {
      enableHighAccuracy: true,
      maximumAge: 5000,
      timeout: 30000,
    });
  }
  function stop() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
    toggle.checked = false;
    say(text.stopped);
  }

  async function flush() {
    if (sending || !queue.length) return;
    if (navigator.onLine === false) {
      say(text.offline);
      return;
    }
    sending = true;
    const batch = queue.slice(0, BATCH);
    let again = false;
    try {
      const response = await http.postJson(panel.dataset.positionsUrl, {
        reports: batch,
        // The phone's clock now: the server corrects the report times by its error.
        client_time: new Date().toISOString(),
      });
      const body = response.body;
      if (response.ok) {
        queue.splice(0, batch.length);
        lastSent.textContent = txt.clock(new Date(), { seconds: true });
        if (body.rejected && body.rejected.length) {
          say(text.refused + " " + http.firstErrorMessage({ errors: body.rejected[0].errors }, ""));
        } else if (watchId !== null) {
          say(text.sharing);
        }
        again = queue.length > 0;
      } else if (response.status === 400) {
        if (body.errors && body.errors.unit) {
          // The unit went off duty: stop, and keep nothing to send later.
          queue = [];
          stop();
          remember(false);
          say(body.errors.unit[0]);
        } else {
          queue.splice(0, batch.length); // the server will never take this batch
          say(text.refused + " " + http.firstErrorMessage(body, ""));
        }
      } else if (response.status === 401 || response.status === 403) {
        stop();
        say(text.session);
      } else {
        say(text.offline); // server busy or a gateway error: keep the queue, retry
      }
    } catch (error) {
      say(text.offline);
    } finally {
      save();
      sending = false;
    }
    if (again) flush();
  }

  toggle.addEventListener("change", () => {
    if (toggle.checked) {
      remember(true);
      start();
    } else {
      remember(false);
      stop();
    }
  });
  window.addEventListener("online", flush);
  setInterval(flush, RETRY_MS);
  save();
  if (panel.dataset.onDuty === "true") {
    if (queue.length) flush();
    if (wanted()) start(); // switched on before: carry on where the officer left it
  } else {
    queue = [];
    save();
  }
})();
