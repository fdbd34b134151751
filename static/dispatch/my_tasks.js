// The officer's "My tasks" page: the list polls the server every few seconds (a 304
// while nothing changed), a new task or notice is announced (banner, vibration, a short
// beep when sound is on), each task card's big button moves the task one step along its
// lifecycle through the task API, and "Mark as read" confirms a notice for the unit
// through the notice API. Texts come from data-text-* attributes (translated templates).
(function () {
  "use strict";
  const txt = window.PortalText;
  const http = window.PortalHttp;
  const feed = document.getElementById("task-feed");
  if (!feed) return;
  const text = txt.readTexts(feed);
  const POLL_MS = parseInt(feed.dataset.pollMs, 10) || 3000;
  const banner = document.querySelector("[data-new-task-banner]");
  const bannerText = banner.querySelector("[data-banner-text]");
  const bannerTitle = banner.querySelector("[data-banner-title]");
  const errorBox = document.querySelector("[data-task-error]");
  const errorText = errorBox.querySelector("[data-error-text]");
  const feedStatus = document.querySelector("[data-feed-status]");
  const soundToggle = document.querySelector("[data-sound-toggle]");
  const pageTitle = document.title;

  // --- the list ----------------------------------------------------------------------
  function root() {
    return feed.querySelector("[data-feed-root]");
  }
  function cards(scope, selector) {
    return Array.from((scope || feed).querySelectorAll(selector || "[data-task-id]"));
  }
  function openCards(scope) {
    return cards(scope, "[data-open-list] [data-task-id]");
  }
  function snapshot(scope) {
    const open = new Map();
    openCards(scope).forEach((card) => open.set(card.dataset.taskId, card.dataset.title));
    // When the operations centre last changed each open task (empty: never).
    const edited = new Map();
    openCards(scope).forEach((card) => edited.set(card.dataset.taskId, card.dataset.edited || ""));
    const closed = new Map();
    cards(scope, "[data-closed-today] [data-task-id]").forEach((card) =>
      closed.set(card.dataset.taskId, card.dataset.status)
    );
    // Notices: every one shown, and the unread ones with their titles.
    const notices = new Set();
    const unread = new Map();
    cards(scope, "[data-notice-id]").forEach((card) => {
      notices.add(card.dataset.noticeId);
      if (card.hasAttribute("data-unread")) unread.set(card.dataset.noticeId, card.dataset.title);
    });
    return { open: open, edited: edited, closed: closed, notices: notices, unread: unread };
  }

  let known = snapshot();
  let version = root() ? root().dataset.version : "";

  // Swap in a new rendering of the list, keeping every card that did not change (an
  // outcome being typed stays where it is) and the "closed today" section open or shut.
  function apply(html) {
    // Parsed in an inert <template>: nothing in it loads or runs before it is placed.
    const holder = document.createElement("template");
    holder.innerHTML = html;
    const fresh = holder.content.querySelector("[data-feed-root]");
    if (!fresh) return;
    cards(fresh).forEach((card) => {
      const current = feed.querySelector("#task-" + card.dataset.taskId);
      if (current && current.dataset.version === card.dataset.version) card.replaceWith(current);
    });
    // A notice unchanged keeps its card (a read one the officer opened stays open).
    cards(fresh, "[data-notice-id]").forEach((card) => {
      const current = feed.querySelector("#notice-" + card.dataset.noticeId);
      if (current && current.dataset.version === card.dataset.version) card.replaceWith(current);
    });
    const wasOpen = feed.querySelector("[data-closed-today]");
    const closed = fresh.querySelector("[data-closed-today]");
    if (wasOpen && closed) closed.open = wasOpen.open;
    const before = known;
    root().replaceWith(fresh);
    version = fresh.dataset.version;
    known = snapshot();
    announceChanges(before, known);
    drawMap();
  }

  function announceChanges(before, after) {
    const added = [];
    after.open.forEach((title, id) => {
      if (!before.open.has(id)) added.push([id, title]);
    });
    const addedNotices = [];
    after.unread.forEach((title, id) => {
      if (!before.notices.has(id)) addedNotices.push([id, title]);
    });
    if (added.length || addedNotices.length) announceNew(added, addedNotices);
    const changed = [];
    after.edited.forEach((edited, id) => {
      if (before.open.has(id) && edited && edited !== before.edited.get(id)) changed.push([id, after.open.get(id)]);
    });
    if (changed.length && !added.length && !addedNotices.length) announceChanged(changed);
    before.open.forEach((title, id) => {
      if (after.open.has(id)) return;
      const status = after.closed.get(id);
      if (status === "cancelled") showError(text.cancelled + " " + title);
      else if (status === undefined) showError(text.takenBack + " " + title);
    });
    added.forEach(([id]) => {
      const card = feed.querySelector("#task-" + id);
      if (card) card.classList.add("task-card--new");
    });
    addedNotices.forEach(([id]) => {
      const card = feed.querySelector("#notice-" + id);
      if (card) card.classList.add("notice-card--new");
    });
  }

  // --- announcing a new task or notice -----------------------------------------------
  let newestId = null; // the element the banner's "Show" goes to
  function announceNew(added, addedNotices) {
    const notices = addedNotices || [];
    // Notices first: they come before the tasks on the page.
    newestId = notices.length ? "notice-" + notices[0][0] : "task-" + added[0][0];
    const headings = [];
    if (added.length) headings.push(text.newTaskTitle);
    if (notices.length) headings.push(text.newNoticeTitle);
    if (bannerTitle) bannerTitle.textContent = headings.join(" · ");
    bannerText.textContent = notices.concat(added).map(([, title]) => title).join(" · ");
    banner.hidden = false;
    const count = added.length + notices.length;
    document.title = "(" + count + ") " + (added.length ? text.newTask : text.newNotice) + " " + pageTitle;
    try {
      if (navigator.vibrate) navigator.vibrate([250, 120, 250]);
    } catch (error) {
      /* not allowed without a tap on this page yet */
    }
    if (soundToggle && soundToggle.checked) beep();
  }
  // A task the operations centre changed: the same banner, saying so.
  function announceChanged(changed) {
    newestId = "task-" + changed[0][0];
    if (bannerTitle) bannerTitle.textContent = text.changedTaskTitle;
    bannerText.textContent = changed.map(([, title]) => title).join(" · ");
    banner.hidden = false;
    changed.forEach(([id]) => {
      const card = feed.querySelector("#task-" + id);
      if (card) card.classList.add("task-card--new");
    });
    try {
      if (navigator.vibrate) navigator.vibrate([250]);
    } catch (error) {
      /* not allowed without a tap on this page yet */
    }
    if (soundToggle && soundToggle.checked) beep();
  }
  function dismissBanner() {
    banner.hidden = true;
    document.title = pageTitle;
  }
  banner.querySelector("[data-banner-dismiss]").addEventListener("click", dismissBanner);
  banner.querySelector("[data-banner-show]").addEventListener("click", () => {
    const card = newestId && document.getElementById(newestId);
    dismissBanner();
    if (card) {
      card.scrollIntoView({ behavior: "smooth", block: "start" });
      const button = card.querySelector("button");
      if (button) button.focus({ preventScroll: true });
    }
  });

  // Browsers let a page play sound only after a tap on it. The switch is that tap; on
  // a later visit the choice is remembered and the first tap anywhere unlocks it.
  const SOUND_KEY = "cep-task-sound";
  let audio = null;
  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  }
  function beep() {
    const context = audioContext();
    if (!context) {
      setStatus(text.soundUnavailable);
      return;
    }
    if (context.state !== "running") {
      setStatus(text.soundBlocked);
      return;
    }
    const start = context.currentTime + 0.02;
    [0, 0.22].forEach((offset, index) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = index ? 1175 : 880;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    });
  }
  if (soundToggle) {
    try {
      soundToggle.checked = localStorage.getItem(SOUND_KEY) === "on";
    } catch (error) {
      /* storage disabled */
    }
    soundToggle.addEventListener("change", () => {
      try {
        localStorage.setItem(SOUND_KEY, soundToggle.checked ? "on" : "off");
      } catch (error) {
        /* storage disabled */
      }
      if (soundToggle.checked) {
        audioContext();
        beep(); // the officer hears what a new task sounds like
      }
    });
    const unlock = () => {
      if (soundToggle.checked) audioContext();
    };
    document.addEventListener("pointerdown", unlock, { once: true });
    document.addEventListener("keydown", unlock, { once: true });
  }

  // --- errors and status -------------------------------------------------------------
  function showError(message) {
    errorText.textContent = message;
    errorBox.hidden = false;
  }
  errorBox.querySelector("[data-error-dismiss]").addEventListener("click", () => {
    errorBox.hidden = true;
  });
  // After completion the card folds into "closed today": the offer to log a violation
  // at the task's place stays in sight here.
  const done = document.querySelector("[data-task-done]");
  const doneLink = done.querySelector("[data-done-violation]");
  function showDone(card) {
    const offer = card.querySelector(".task-card__violation a");
    doneLink.hidden = !offer;
    if (offer) doneLink.href = offer.href;
    done.hidden = false;
  }
  done.querySelector("[data-done-dismiss]").addEventListener("click", () => {
    done.hidden = true;
  });
  function setStatus(message) {
    feedStatus.textContent = message;
  }

  // --- polling -----------------------------------------------------------------------
  let timer = null;
  let polling = false;
  let stopped = false;
  async function poll() {
    if (polling || stopped) return;
    polling = true;
    clearTimeout(timer);
    try {
      const response = await fetch(feed.dataset.feedUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "If-None-Match": '"' + version + '"', "X-Requested-With": "XMLHttpRequest" },
      });
      if (response.redirected || response.status === 401 || response.status === 403) {
        stopped = true; // signed out (idle timeout): the login page came back
        showError(text.session);
        setStatus(text.session);
        return;
      }
      if (response.status === 200) apply(await response.text());
      if (response.ok || response.status === 304) setStatus(text.updated + " · " + txt.clock(new Date(), { seconds: true }));
      else setStatus(text.offline);
    } catch (error) {
      setStatus(text.offline);
    } finally {
      polling = false;
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    }
  }
  window.addEventListener("online", poll);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll();
  });

  // --- moving a task -----------------------------------------------------------------
  async function move(card, target, expected, note, controls) {
    controls.forEach((control) => (control.disabled = true));
    card.setAttribute("aria-busy", "true");
    try {
      const url = feed.dataset.transitionUrl.replace("/0/", "/" + card.dataset.taskId + "/");
      const response = await http.postJson(url, { status: target, expected_status: expected, note: note || "" });
      if (!response.ok) {
        showError(text.failed + " " + http.firstErrorMessage(response.body, text.unexpected));
      } else {
        errorBox.hidden = true;
        card.classList.remove("task-card--new");
        if (target === "completed") showDone(card);
      }
    } catch (error) {
      showError(text.failed + " " + text.offline);
    } finally {
      card.removeAttribute("aria-busy");
      controls.forEach((control) => (control.disabled = false));
      await poll();
    }
  }

  // --- marking a notice read ----------------------------------------------------------
  async function markRead(card, button) {
    button.disabled = true;
    card.setAttribute("aria-busy", "true");
    try {
      const url = feed.dataset.noticeReadUrl.replace("/0/", "/" + card.dataset.noticeId + "/");
      const response = await http.postJson(url, {});
      if (!response.ok) showError(text.readFailed + " " + http.firstErrorMessage(response.body, text.unexpected));
      else card.classList.remove("notice-card--new");
    } catch (error) {
      showError(text.readFailed + " " + text.offline);
    } finally {
      card.removeAttribute("aria-busy");
      button.disabled = false;
      await poll(); // the card folds (read) or goes (withdrawn meanwhile)
    }
  }

  feed.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !feed.contains(button)) return;
    if (button.hasAttribute("data-notice-read")) {
      const notice = button.closest("[data-notice-id]");
      if (notice) markRead(notice, button);
      return;
    }
    const card = button.closest("[data-task-id]");
    if (!card) return;
    if (button.dataset.move) {
      move(card, button.dataset.move, button.dataset.expected, "", [button]);
    } else if (button.hasAttribute("data-complete-open")) {
      const form = card.querySelector("[data-complete-form]");
      form.hidden = false;
      button.setAttribute("aria-expanded", "true");
      button.hidden = true;
      form.querySelector("textarea").focus();
    } else if (button.hasAttribute("data-complete-cancel")) {
      const form = card.querySelector("[data-complete-form]");
      const opener = card.querySelector("[data-complete-open]");
      form.hidden = true;
      opener.hidden = false;
      opener.setAttribute("aria-expanded", "false");
      opener.focus();
    }
  });

  feed.addEventListener("input", (event) => {
    const field = event.target.closest("[data-complete-form] .field--error");
    if (!field || !event.target.value.trim()) return;
    field.classList.remove("field--error");
    event.target.removeAttribute("aria-invalid");
    event.target.setAttribute("aria-describedby", event.target.id + "-help");
    const problem = field.querySelector(".errorlist");
    if (problem) problem.remove();
  });

  feed.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-complete-form]");
    if (!form) return;
    event.preventDefault();
    const card = form.closest("[data-task-id]");
    const outcome = form.querySelector("textarea");
    const field = outcome.closest(".field");
    let problem = field.querySelector(".errorlist");
    if (!outcome.value.trim()) {
      if (!problem) {
        problem = document.createElement("ul");
        problem.className = "errorlist";
        problem.id = outcome.id + "-errors";
        problem.append(document.createElement("li"));
        field.appendChild(problem);
      }
      problem.firstElementChild.textContent = text.outcomeNeeded;
      field.classList.add("field--error");
      outcome.setAttribute("aria-invalid", "true");
      outcome.setAttribute("aria-describedby", outcome.id + "-help " + problem.id);
      outcome.focus();
      return;
    }
    if (problem) problem.remove();
    field.classList.remove("field--error");
    outcome.removeAttribute("aria-invalid");
    outcome.setAttribute("aria-describedby", outcome.id + "-help");
    move(card, "completed", form.dataset.expected, outcome.value.trim(), Array.from(form.querySelectorAll("button")));
  });

  // --- the map -----------------------------------------------------------------------
  const mapElement = document.getElementById("tasks-map");
  const map = mapElement ? window.PortalMap.create(mapElement) : null;
  const markers = map ? L.layerGroup().addTo(map) : null;
  const PRIORITY_COLOURS = { 1: "#64748b", 2: "#1d4ed8", 3: "#a15c00", 4: "#b42318" };
  let framed = "";
  function drawMap() {
    if (!map) return;
    markers.clearLayers();
    const points = [];
    // Least urgent first, so that the most urgent marker is drawn on top.
    openCards().reverse().forEach((card) => {
      if (!card.dataset.lat) return;
      const latlng = [parseFloat(card.dataset.lat), parseFloat(card.dataset.lon)];
      points.push(latlng);
      const marker = L.circleMarker(latlng, {
        radius: 10,
        weight: 3,
        color: "#fff",
        fillColor: PRIORITY_COLOURS[card.dataset.priority] || "#1d4ed8",
        fillOpacity: 1,
      });
      const label = document.createElement("div");
      const title = document.createElement("strong");
      title.textContent = card.dataset.title;
      const state = document.createElement("div");
      state.textContent = card.dataset.statusLabel;
      const link = document.createElement("a");
      link.href = "#task-" + card.dataset.taskId;
      link.textContent = "↓";
      link.setAttribute("aria-label", card.dataset.title);
      label.append(title, state, link);
      marker.bindPopup(label).addTo(markers);
    });
    // Notices with a place: a smaller square-looking marker (navy, red when urgent),
    // under the tasks.
    cards(null, "[data-notice-id][data-lat]").forEach((card) => {
      const latlng = [parseFloat(card.dataset.lat), parseFloat(card.dataset.lon)];
      points.push(latlng);
      const urgent = card.classList.contains("notice-card--urgent");
      const marker = L.circleMarker(latlng, {
        radius: 7,
        weight: 3,
        color: urgent ? "#b42318" : "#0b2545",
        fillColor: "#fff",
        fillOpacity: 1,
        dashArray: "3 3",
      });
      const link = txt.el("a", { href: "#notice-" + card.dataset.noticeId, text: "↓", "aria-label": card.dataset.title });
      marker.bindPopup(txt.el("div", {}, [txt.text(text.notice, "div"), txt.text(card.dataset.title, "strong"), link])).addTo(markers);
      marker.bringToBack();
    });
    // Frame the tasks when the set of places changes, not on every poll (the officer
    // may have panned the map).
    const key = points.map((point) => point.join(",")).join(";");
    if (key && key !== framed) {
      map.fitBounds(points, { padding: [30, 30], maxZoom: 13 });
    }
    framed = key;
  }
  drawMap();

  timer = setTimeout(poll, POLL_MS);
})();
