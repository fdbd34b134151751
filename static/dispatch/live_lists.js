// The dispatcher's live map, part 3 of 5 (see live_core.js): the side panel's lists of
// tasks, units and zone alerts, with their counts; a unit's row centres the map on it,
// an alert's row acknowledges it or sends a task.
(function () {
  "use strict";
  const live = window.DispatchLive;
  if (!live) return;
  const { root, map, T, can, state, STATUS_COLOURS, OPEN_TASK, STATUS_BADGE, UNIT_BADGE, urlFor, age, km, errorText } = live;
  const txt = window.PortalText;
  const http = window.PortalHttp;
  const { el, fill } = txt;

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
    const meta = [task.kind_label, task.priority_label, task.unit_label || task.unit || T.unassigned].join(" · ");
    return el("li", { class: "live-row-wrap" + (OPEN_TASK.has(task.status) ? "" : " is-closed") }, [
      el(
        "button",
        {
          type: "button",
          class: "live-row" + (state.selectedTask === task.id ? " is-selected" : ""),
          dataset: { taskId: task.id, status: task.status },
          "aria-pressed": state.selectedTask === task.id ? "true" : "false",
          onclick: () => live.openTask(task.id),
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
  // Opened from a link for one state (?status=assigned): the list holds those only.
  const onlyStatus = live.config && live.config.onlyStatus;
  function renderTaskList(feed) {
    const tasks = onlyStatus ? feed.tasks.filter((task) => task.status === onlyStatus) : feed.tasks;
    tasksTruncated = feed.tasks_truncated;
    const open = tasks.filter((task) => OPEN_TASK.has(task.status));
    setCount("tasks", open.length);
    syncList(
      taskList,
      tasks,
      (task) => JSON.stringify([task.title, task.status, task.status_label, task.priority, task.kind_label, task.unit_label || task.unit]),
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
  // The selected task's row, marked.
  function refreshTaskList() {
    taskList.querySelectorAll("[data-task-id]").forEach((button) => {
      const selected = Number(button.dataset.taskId) === state.selectedTask;
      button.classList.toggle("is-selected", selected);
      button.setAttribute("aria-pressed", selected ? "true" : "false");
    });
  }
  function unitRow(unit) {
    return el("li", { class: "live-row-wrap" }, [
      el(
        "button",
        {
          type: "button",
          class: "live-row live-row--unit",
          dataset: { unitId: unit.id, lat: unit.lat === null ? "" : unit.lat, lon: unit.lon === null ? "" : unit.lon },
          "aria-label": fill(T.focusUnit, { unit: unit.label || unit.call_sign }),
          disabled: unit.lat === null,
          onclick: () => focusUnit(unit.id),
        },
        [
          el("span", { class: "live-row__main" }, [
            el("span", { class: "live-dot", style: { background: STATUS_COLOURS[unit.status] || "#6b7280" }, "aria-hidden": "true" }),
            el("span", { class: "live-row__title", text: unit.label || unit.call_sign }),
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
      (unit) => JSON.stringify([unit.label || unit.call_sign, unit.status, unit.status_label, unit.zone, unit.lat === null]),
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
          "aria-label": fill(T.showTaskFor, { unit: alert.unit_label || alert.unit }),
          text: T.taskSent,
          onclick: () => live.openTask(alert.task_id),
        })
      );
    } else if (can.create && live.taskForm) {
      actions.push(
        el("button", {
          type: "button",
          class: "btn btn--small",
          "aria-label": fill(T.sendTaskFor, { unit: alert.unit_label || alert.unit }),
          text: T.sendTask,
          onclick: () => live.sendTaskFor(alert),
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
          "aria-label": fill(T.acknowledgeAlert, { unit: alert.unit_label || alert.unit }),
          text: T.acknowledge,
          onclick: (event) => acknowledge(alert, event.currentTarget),
        })
      );
    }
    return el("li", { class: "live-alert", dataset: { alertId: alert.id } }, [
      el("div", { class: "live-alert__text" }, [
        el("button", { type: "button", class: "link-button live-alert__unit", text: alert.unit_label || alert.unit, onclick: () => map.setView([alert.lat, alert.lon], Math.max(map.getZoom(), 12)) }),
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
    http.postJson(urlFor(live.config.urls.alertAcknowledge, alert.id)).then((result) => {
      if (!result.ok) {
        button.disabled = false;
        live.showStatus(errorText(result), true);
        return;
      }
      alert.acknowledged = true;
      live.drawAlert(alert);
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

  Object.assign(live, {
    renderTaskList: renderTaskList,
    rerenderTasks: rerenderTasks,
    refreshTaskList: refreshTaskList,
    renderUnitList: renderUnitList,
    renderAlertList: renderAlertList,
    refreshAges: refreshAges,
  });
})();
