// The dispatcher's live map, part 5 of 5 (see live_core.js): applying the live feed,
// polling it, creating tasks (the form is live_task_form.js) and answering a zone alert
// with one, and the side panel on a phone. Loaded last: it starts the page.
(function () {
  "use strict";
  const live = window.DispatchLive;
  if (!live) return;
  const { root, config, map, layers, T, can, state, OPEN_TASK } = live;
  const txt = window.PortalText;
  const { fill } = txt;

  // ---------------------------------------------------------------- applying a feed
  function apply(feed) {
    state.clockOffset = new Date(feed.generated_at).getTime() - Date.now();
    live.drawZones(feed.zones);
    feed.units.forEach(live.drawUnit);
    live.removeMissing(state.units, new Set(feed.units.map((u) => u.id)), layers.units, layers.tails);
    feed.tasks.forEach(live.drawTask);
    live.removeMissing(state.tasks, new Set(feed.tasks.map((t) => t.id)), layers.tasks);
    live.loadAreas(feed);
    feed.violations.forEach(live.drawViolation);
    live.removeMissing(state.violations, new Set(feed.violations.map((v) => v.id)), layers.violations);
    feed.alerts.forEach(live.drawAlert);
    live.removeMissing(state.alerts, new Set(feed.alerts.map((a) => a.id)), layers.alerts);
    live.renderTaskList(feed);
    live.renderUnitList(feed.units);
    live.renderAlertList(feed.alerts);
    live.followSelectedTask();
    if (!state.fitted) {
      state.fitted = true;
      const points = feed.units.filter((u) => u.lat !== null).map((u) => [u.lat, u.lon])
        .concat(feed.tasks.filter((t) => t.lat !== null && OPEN_TASK.has(t.status)).map((t) => [t.lat, t.lon]));
      // At once, not animated: a unit clicked right after must not be undone by it.
      if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.25), { maxZoom: 11, animate: false });
    }
    live.declutterLabels();
  }
  // Someone who already looks somewhere (a click, a drag, a wheel, a key on the map)
  // keeps that view: the first picture is then not zoomed to all units. Captured, so
  // that the zoom buttons count too (Leaflet's controls stop the event's bubbling).
  ["mousedown", "pointerdown", "touchstart", "wheel", "keydown"].forEach((name) =>
    map.getContainer().addEventListener(name, () => (state.fitted = true), { once: true, passive: true, capture: true })
  );

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
    live.refreshAges();
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

  // ---------------------------------------------------------------- creating a task
  // The form is static/dispatch/live_task_form.js; a created task opens in the panel.
  const createPanel = root.querySelector("[data-create-panel]");
  const newTaskButton = root.querySelector("[data-new-task]");
  if (createPanel && newTaskButton && can.create && window.LiveTaskForm) {
    live.taskForm = window.LiveTaskForm.setUp({
      map: map,
      panel: createPanel,
      opener: newTaskButton,
      url: config.urls.taskList,
      detailUrl: (id) => live.urlFor(config.urls.taskDetail, id),
      T: T,
      onOpen: () => setPanelOpen(true),
      onCreated: (detail) => {
        const task = live.taskFromDetail(detail);
        state.areas.set(task.id, detail.area || null);
        live.drawTask(task);
        live.rerenderTasks();
        const answered = detail.alert !== null && detail.alert !== undefined ? state.alerts.get(detail.alert) : null;
        if (answered) {
          answered.data.task_id = task.id;
          live.renderAlertList(Array.from(state.alerts.values()).map((entry) => entry.data));
        }
        state.version = null;
        live.openTask(task.id);
        live.showTaskMessage(task, { text: T.created_ok, bad: false });
      },
      onEdited: (detail) => {
        const task = live.taskFromDetail(detail);
        state.areas.set(task.id, detail.area || null);
        live.drawTask(task);
        live.rerenderTasks();
        state.version = null;
        live.openTask(task.id);
        live.showTaskMessage(task, { text: T.edited_ok, bad: false });
      },
    });
  }

  // "Send a task" on a zone alert: a patrol back to the zone, placed where the unit was
  // when it left, answering the alert.
  function sendTaskFor(alert) {
    if (!live.taskForm) return;
    live.closeTask();
    live.taskForm.prefill({
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
    if (entry.data.task_id && state.tasks.has(entry.data.task_id)) live.openTask(entry.data.task_id);
    else if (can.create && live.taskForm) sendTaskFor(entry.data);
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

  Object.assign(live, { showStatus: showStatus, sendTaskFor: sendTaskFor, setPanelOpen: setPanelOpen });
  poll();
})();
