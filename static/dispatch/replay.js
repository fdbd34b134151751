// Track replay: draws the chosen units' tracks, one colour each, and moves each unit's
// marker to where it was at the slider's time (between two reports: interpolated; after
// its last report or across a long gap: held at the last known position). Plays the
// period at 1×–600× and steps from report to report. The same map picks the place of the
// "who was near" search.
(function () {
  const element = document.getElementById("tracks-map");
  if (!element || !window.PortalMap) return;
  const txt = window.PortalText;
  const text = JSON.parse(document.getElementById("replay-text").textContent);
  const format = txt.fill;
  const map = window.PortalMap.create(element);
  // Leaflet puts a string tooltip in as HTML; a call sign goes in as text.
  const label = (value) => txt.text(value);
  // Our own pane above the reference layers, which arrive later and would cover the
  // tracks in the shared overlay pane.
  map.createPane("replay").style.zIndex = 450;
  const pane = "replay";

  // --- The place of the "who was near" search -----------------------------------------
  const nearForm = document.querySelector("[data-near-form]");
  let placeMarker = null;
  let placeCircle = null;

  function drawPlace(lat, lon, radius, fit) {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
    const latlng = [lat, lon];
    if (!placeMarker) {
      placeMarker = L.circleMarker(latlng, {
        radius: 6, color: "#0b2545", weight: 2, fillColor: "#f5c542", fillOpacity: 1, interactive: false, pane,
      }).addTo(map);
      placeCircle = L.circle(latlng, {
        radius: radius || 1000, color: "#0b2545", weight: 1.5, dashArray: "5 5", fillOpacity: 0.06, interactive: false, pane,
      }).addTo(map);
    }
    placeMarker.setLatLng(latlng);
    placeCircle.setLatLng(latlng);
    if (radius > 0) placeCircle.setRadius(radius);
    if (fit) map.fitBounds(placeCircle.getBounds(), { padding: [40, 40], maxZoom: 15, animate: false });
  }

  if (nearForm) {
    const lat = nearForm.querySelector("[name=lat]");
    const lon = nearForm.querySelector("[name=lon]");
    const radius = nearForm.querySelector("[name=radius]");
    const current = () => [parseFloat(lat.value), parseFloat(lon.value), parseFloat(radius.value)];
    map.on("click", (event) => {
      lat.value = event.latlng.lat.toFixed(5);
      lon.value = event.latlng.lng.toFixed(5);
      drawPlace(...current(), false);
    });
    [lat, lon, radius].forEach((input) => input.addEventListener("change", () => drawPlace(...current(), false)));
  }
  const panel = document.querySelector("[data-replay]");
  if (element.dataset.placeLat) {
    drawPlace(
      parseFloat(element.dataset.placeLat),
      parseFloat(element.dataset.placeLon),
      parseFloat(element.dataset.placeRadius),
      !panel,
    );
  }
  if (!panel) {
    // No replay yet: the units found near the place, where their closest report was.
    document.querySelectorAll("[data-nearby-unit][data-lat]").forEach((row) => {
      L.circleMarker([parseFloat(row.dataset.lat), parseFloat(row.dataset.lon)], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: "#1d4ed8", fillOpacity: 1, className: "nearby-marker", pane,
      })
        .bindTooltip(label(row.dataset.nearbyUnit), { permanent: true, direction: "right", offset: [8, 0], className: "replay-tooltip" })
        .addTo(map);
    });
    return;
  }

  // --- Replay -------------------------------------------------------------------------
  const MAX_GAP_MS = 15 * 60 * 1000; // a longer silence is not interpolated across
  const slider = panel.querySelector("[data-slider]");
  const clock = panel.querySelector("[data-clock]");
  const status = panel.querySelector("[data-replay-status]");
  const playButton = panel.querySelector("[data-play]");
  const playIcon = panel.querySelector("[data-play-icon]");
  const playLabel = panel.querySelector("[data-play-label]");
  const speedSelect = panel.querySelector("[data-speed]");
  const stepButtons = panel.querySelectorAll("[data-step]");
  const legend = document.querySelector("[data-legend]");
  // The clock reads "Mon 2026-11-23 08:21:59" in the portal's time zone, whatever the
  // browser's: the weekday in the page's language, the rest unambiguous.
  const language = txt.language;
  function clockText(moment) {
    const part = txt.dateParts(moment);
    if (!part) return "";
    return part.weekday + " " + part.year + "-" + part.month + "-" + part.day + " " + part.hour + ":" + part.minute + ":" + part.second;
  }

  let tracks = [];
  let timeline = []; // every report time of every unit, sorted, once each
  let start = 0;
  let end = 0;
  let now = 0;
  let playing = false;
  let lastFrame = null;

  function positionAt(points, t) {
    if (!points.length || t < points[0].t) return null;
    let high = points.length - 1;
    if (t >= points[high].t) return { point: points[high], lat: points[high].lat, lon: points[high].lon, index: high, held: true };
    let low = 0;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if (points[middle].t <= t) low = middle;
      else high = middle;
    }
    const a = points[low];
    const b = points[high];
    if (b.t - a.t > MAX_GAP_MS) return { point: a, lat: a.lat, lon: a.lon, index: low, held: true };
    const f = (t - a.t) / (b.t - a.t);
    return { point: a, lat: a.lat + f * (b.lat - a.lat), lon: a.lon + f * (b.lon - a.lon), index: low, held: false };
  }

  function render() {
    clock.textContent = clockText(now);
    slider.value = String(Math.round((now - start) / 1000));
    tracks.forEach((track) => {
      const at = positionAt(track.points, now);
      if (!at) {
        if (map.hasLayer(track.marker)) track.marker.remove();
        track.done.setLatLngs([]);
        track.doneIndex = -1;
        track.state.textContent = text.noReport;
        return;
      }
      track.marker.setLatLng([at.lat, at.lon]);
      track.marker.setStyle({ fillOpacity: at.held ? 0.45 : 1, dashArray: at.held ? "3 3" : null });
      if (!map.hasLayer(track.marker)) track.marker.addTo(map);
      if (at.index !== track.doneIndex) {
        track.done.setLatLngs(track.points.slice(0, at.index + 1).map((p) => [p.lat, p.lon]));
        track.doneIndex = at.index;
      }
      if (at.held) track.state.textContent = text.lastKnown;
      else if (at.point.speed !== null && at.point.speed !== undefined)
        track.state.textContent = format(text.speed, { speed: Math.round(at.point.speed) });
      else track.state.textContent = "";
    });
  }

  function setPlaying(on) {
    playing = on;
    playButton.setAttribute("aria-pressed", on ? "true" : "false");
    playIcon.textContent = on ? "‖" : "▶";
    playLabel.textContent = on ? text.pause : text.play;
    lastFrame = null;
    if (on) requestAnimationFrame(frame);
  }

  function frame(timestamp) {
    if (!playing) return;
    if (lastFrame !== null) {
      now = Math.min(end, now + (timestamp - lastFrame) * Number(speedSelect.value));
      render();
      if (now >= end) {
        setPlaying(false);
        return;
      }
    }
    lastFrame = timestamp;
    requestAnimationFrame(frame);
  }

  function step(direction) {
    setPlaying(false);
    // The next (or previous) moment at which any unit reported.
    let low = 0;
    let high = timeline.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (timeline[middle] <= now) low = middle + 1;
      else high = middle;
    }
    // timeline[low] is the first report after now; timeline[low - 1] the last at or before.
    let target = null;
    if (direction > 0) target = low < timeline.length ? timeline[low] : null;
    else {
      let index = low - 1;
      while (index >= 0 && timeline[index] >= now) index -= 1;
      target = index >= 0 ? timeline[index] : null;
    }
    if (target === null) return;
    now = target;
    render();
  }

  function addLegend(track, unit) {
    const item = document.createElement("li");
    item.className = "replay-legend__item";
    item.dataset.unit = unit.call_sign;
    const swatch = document.createElement("span");
    swatch.className = "replay-legend__swatch";
    swatch.style.background = unit.colour;
    swatch.setAttribute("aria-hidden", "true");
    const name = document.createElement("strong");
    name.textContent = unit.label || unit.call_sign; // the unit's one name; the map keeps the call sign
    const meta = document.createElement("span");
    meta.className = "replay-legend__meta";
    meta.textContent = format(text.reports, { count: unit.total.toLocaleString(language) });
    if (unit.thinned) meta.textContent += " · " + format(text.thinned, { step: unit.step });
    const state = document.createElement("span");
    state.className = "replay-legend__state";
    state.dataset.unitState = "";
    item.append(swatch, name, meta, state);
    legend.append(item);
    track.state = state;
  }

  function load(data) {
    const bounds = L.latLngBounds([]);
    const times = [];
    data.units.forEach((unit, index) => {
      const points = unit.points.map(([t, lat, lon, speed]) => ({ t: Date.parse(t), lat, lon, speed }));
      const latlngs = points.map((p) => [p.lat, p.lon]);
      latlngs.forEach((latlng) => bounds.extend(latlng));
      points.forEach((p) => times.push(p.t));
      const track = {
        points,
        doneIndex: -1,
        line: L.polyline(latlngs, { color: unit.colour, weight: 3, opacity: 0.35, interactive: false, pane }).addTo(map),
        done: L.polyline([], { color: unit.colour, weight: 4, opacity: 0.95, interactive: false, pane }).addTo(map),
        marker: L.circleMarker([0, 0], {
          radius: 9, color: "#ffffff", weight: 3, fillColor: unit.colour, fillOpacity: 1, pane,
          className: "replay-marker replay-marker--" + (index + 1),
        }).bindTooltip(label(unit.call_sign), { permanent: true, direction: "right", offset: [10, 0], className: "replay-tooltip" }),
      };
      addLegend(track, unit);
      tracks.push(track);
    });
    if (!times.length) {
      status.textContent = text.empty;
      return;
    }
    timeline = Array.from(new Set(times)).sort((a, b) => a - b);
    start = timeline[0];
    end = timeline[timeline.length - 1];
    now = start;
    slider.max = String(Math.max(1, Math.ceil((end - start) / 1000)));
    slider.disabled = false;
    playButton.disabled = false;
    stepButtons.forEach((button) => (button.disabled = false));
    map.fitBounds(bounds.pad(0.05), { maxZoom: 15, animate: false });
    let message = format(text.ready, { units: data.units.length, points: times.length.toLocaleString(language) });
    if (data.units.some((unit) => unit.thinned)) message += " " + text.thinnedNote;
    status.textContent = message;
    render();
  }

  playButton.addEventListener("click", () => {
    if (!playing && now >= end) now = start;
    setPlaying(!playing);
  });
  stepButtons.forEach((button) => button.addEventListener("click", () => step(Number(button.dataset.step))));
  slider.addEventListener("input", () => {
    now = Math.min(end, start + Number(slider.value) * 1000);
    render();
  });

  window.PortalHttp.getJson(panel.dataset.tracksUrl)
    .then(load)
    .catch(() => {
      status.textContent = text.failed;
    });
})();
