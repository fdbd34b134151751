// The dispatcher's live map, part 4 of 5 (see live_core.js): the panel of the open
// task. Its facts, response times and history (from the task API), the recommended
// units with one-click assigning, editing (in the task form), withdrawing a task created
// by mistake and cancelling, each with a reason. Rebuilt only when what it shows changed,
// so that a poll never takes the focus away.
(function () {
  "use strict";
  const live = window.DispatchLive;
  if (!live) return;
  const { root, map, T, can, state, OPEN_TASK, STATUS_BADGE, urlFor, when, km, errorText } = live;
  const txt = window.PortalText;
  const http = window.PortalHttp;
  const { el, fill } = txt;

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
    state.fitted = true; // the map follows this task now, not the first picture
    const previous = state.selectedTask;
    state.selectedTask = id;
    state.selectedGone = null;
    panelMessage = null;
    recommendations = null;
    history = null;
    [previous, id].forEach((taskId) => {
      const entry = state.tasks.get(taskId);
      if (entry) live.drawTask(entry.data);
    });
    const entry = state.tasks.get(id);
    if (!entry) return;
    live.refreshTaskList();
    refreshTaskPanel(entry.data, true);
    loadTaskDetail(id);
    if (entry.marker && !map.getBounds().pad(-0.1).contains(entry.marker.getLatLng())) {
      map.panTo(entry.marker.getLatLng());
    }
    live.setPanelOpen(true);
  }
  function closeTask() {
    const previous = state.selectedTask;
    state.selectedTask = null;
    taskPanel.hidden = true;
    taskPanel.replaceChildren();
    const entry = state.tasks.get(previous);
    if (entry) live.drawTask(entry.data);
    live.refreshTaskList();
  }
  function loadTaskDetail(id, withRecommendations) {
    http
      .getJson(urlFor(live.config.urls.taskDetail, id))
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
      .getJson(urlFor(live.config.urls.taskRecommendations, id))
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
      unit_label: detail.unit_label,
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
            el("strong", { text: item.label || item.call_sign }),
            el("span", { class: "live-rec__distance", text: km(item.distance_m) }),
            item.off_zone ? el("span", { class: "badge badge--warn", text: T.offZone }) : null,
            item.off_shift ? el("span", { class: "badge badge--warn", text: T.offShift }) : null,
          ]),
          el("button", {
            type: "button",
            class: "btn btn--small",
            "aria-label": fill(T.assignUnit, { unit: item.label || item.call_sign }),
            text: T.assign,
            onclick: (event) => assign(task, item, event.currentTarget),
          }),
        ])
      )
    );
    return el("div", { class: "live-task__section" }, [heading, help, list]);
  }
  // A reason, then a red button: cancelling, or withdrawing a task created by mistake.
  // send(note) makes the move. Folded until opened; what is typed survives redraws.
  function reasonForm(task, key, words, send) {
    const reasonId = "live-" + key + "-reason-" + task.id;
    const errors = el("ul", { class: "errorlist", id: reasonId + "-errors" });
    const help = words.help ? el("p", { class: "help", id: reasonId + "-help", text: words.help }) : null;
    const describedBy = (help ? reasonId + "-help " : "") + reasonId + "-errors";
    const reason = el("textarea", { id: reasonId, name: "reason", rows: "2", maxlength: "300", "aria-describedby": describedBy });
    const form = el("form", { class: "live-cancel", novalidate: true }, [
      el("div", { class: "field" }, [el("label", { for: reasonId, text: words.label }), help, reason, errors].filter(Boolean)),
      el("button", { type: "submit", class: "btn btn--danger btn--small", text: words.button }),
    ]);
    reason.addEventListener("input", () => {
      errors.replaceChildren();
      reason.removeAttribute("aria-invalid");
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const note = reason.value.trim();
      if (!note) {
        errors.replaceChildren(el("li", { text: words.required }));
        reason.setAttribute("aria-invalid", "true");
        reason.focus();
        return;
      }
      send(note);
    });
    return el("details", { class: "live-task__section live-cancel-wrap", dataset: { keep: key } }, [el("summary", { text: words.summary }), form]);
  }
  function cancelForm(task) {
    if (!can.assign || !OPEN_TASK.has(task.status)) return null;
    const words = { summary: T.cancelThisTask, label: T.reason, button: T.cancelTask, required: T.reasonRequired };
    return reasonForm(task, "cancel", words, (note) =>
      transition(task, { status: "cancelled", note: note, expected_status: task.status }, T.cancelled)
    );
  }
  // Only before the unit acts on it (new or assigned): afterwards it is cancelled.
  function withdrawForm(task) {
    if (!can.assign || !(task.status === "new" || task.status === "assigned")) return null;
    const words = {
      summary: T.withdrawThisTask,
      label: T.withdrawReason,
      button: T.withdrawTask,
      required: T.withdrawReasonRequired,
      help: T.withdrawHelp,
    };
    return reasonForm(task, "withdraw", words, (note) =>
      transition(task, { reason: note, expected_status: task.status }, T.withdrawn, null, live.config.urls.taskWithdraw)
    );
  }
  function editButton(task) {
    if (!can.assign || !OPEN_TASK.has(task.status) || !live.taskForm) return null;
    if (!history || history.taskId !== task.id) return null;
    const detail = history.detail;
    return el("p", { class: "live-task__actions" }, [
      el("button", { type: "button", class: "btn btn--secondary btn--small", text: T.editTask, onclick: () => live.taskForm.edit(detail) }),
    ]);
  }
  // What an edit changed, from its note's keys ("title,place"), in the reader's words.
  function eventText(event) {
    if (event.kind === "edit") {
      const fields = (event.note || "").split(",").filter(Boolean).map((key) => T.editFields[key] || key);
      return fill(T.editedEvent, { fields: fields.join(", ") });
    }
    const label = event.kind === "withdraw" ? T.withdrawnEvent : statusLabel(event.to_status);
    return label + (event.note ? " — " + event.note : "");
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
            el("span", { text: " " + eventText(event) }),
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
    const today = day(txt.dateParts(new Date(live.serverNow())));
    return day(txt.dateParts(iso)) === today ? txt.clock(iso) : when(iso);
  }
  function statusLabel(status) {
    return live.config.statuses[status] || status;
  }
  let panelKey = "";
  function refreshTaskPanel(task, focus) {
    if (state.selectedTask !== task.id) return;
    // A message about a step ("Assigned to MED-1.") goes once the task has moved on.
    if (panelMessage && panelMessage.status && panelMessage.status !== task.status) panelMessage = null;
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
      fact(T.unit, task.unit_label || task.unit || T.unassigned),
      fact(T.window, windowText),
      fact(T.place, placeText(task)),
      fact(T.created, detail ? when(detail.created_at) + " · " + (detail.created_by || "") : when(task.created_at)),
      detail ? fact(panelWords.toAcknowledge, duration(detail.seconds_to_acknowledge)) : null,
      detail ? fact(panelWords.toArrive, duration(detail.seconds_to_arrive)) : null,
      detail && detail.violation_reference ? fact(T.violation, detail.violation_reference) : null,
      detail && detail.outcome ? fact(T.outcome, detail.outcome) : null,
      detail && detail.withdrawn_at ? fact(T.withdrawnAt, when(detail.withdrawn_at)) : null,
      detail && detail.edited_at ? fact(T.editedAt, when(detail.edited_at)) : null,
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
      editButton(task),
      recommendationList(task),
      withdrawForm(task),
      cancelForm(task),
      historyList(),
    ];
    // Keep a half-typed reason (cancel or withdraw), and the message that it is missing,
    // across redraws: a poll may redraw the panel just after the person pressed the button.
    const typed = Array.from(taskPanel.querySelectorAll(".live-cancel-wrap[open]")).map((wrap) => [
      wrap.dataset.keep,
      wrap.querySelector("textarea").value,
      Array.from(wrap.querySelectorAll(".errorlist li")).map((item) => item.textContent),
    ]);
    taskPanel.setAttribute("aria-labelledby", "live-task-title");
    taskPanel.replaceChildren(...children.filter(Boolean));
    taskPanel.hidden = false;
    typed.forEach(([key, value, errors]) => {
      const wrap = taskPanel.querySelector('.live-cancel-wrap[data-keep="' + key + '"]');
      if (wrap) {
        wrap.open = true;
        const reason = wrap.querySelector("textarea");
        reason.value = value;
        if (errors.length) {
          wrap.querySelector(".errorlist").replaceChildren(...errors.map((text) => el("li", { text: text })));
          reason.setAttribute("aria-invalid", "true");
        }
      }
    });
    if (focus) heading.focus({ preventScroll: false });
  }
  // A move of the task (by default along its lifecycle; `url`: another action's, such as
  // withdrawing), then the panel and the map follow the answer.
  function transition(task, payload, successText, button, url) {
    if (button) button.disabled = true;
    return http.postJson(urlFor(url || live.config.urls.taskTransition, task.id), payload).then((result) => {
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
        unit_label: detail.unit_label,
        unit_id: detail.unit_id,
        updated_at: detail.updated_at,
      });
      panelMessage = { text: fill(successText, { unit: detail.unit_label || detail.unit || "" }), bad: false, status: detail.status };
      history = { taskId: task.id, detail: detail };
      live.drawTask(updated);
      live.rerenderTasks();
      if (updated.status === "assigned" && can.assign) loadRecommendations(task.id);
      refreshTaskPanel(updated);
      state.version = null; // the next poll brings the whole picture (the unit is busy now)
      return result;
    });
  }
  function assign(task, item, button) {
    transition(task, { status: "assigned", unit: item.unit_id, expected_status: task.status }, T.assigned, button);
  }

  // After each feed: the open task's panel follows what the feed says of it.
  function followSelectedTask() {
    if (state.selectedTask === null) return;
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
  // A message at the top of the task's panel: {text, bad}.
  function showTaskMessage(task, message) {
    panelMessage = Object.assign({ status: task.status }, message);
    refreshTaskPanel(task);
  }

  Object.assign(live, {
    openTask: openTask,
    closeTask: closeTask,
    taskFromDetail: taskFromDetail,
    followSelectedTask: followSelectedTask,
    showTaskMessage: showTaskMessage,
  });
})();
