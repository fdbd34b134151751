// What the dispatch pages' scripts share: escaping (Leaflet puts a string tooltip or
// popup in as HTML, so server data goes in as text), the CSRF token, "%(name)s"
// placeholders, translated words from data-text-* attributes, the first message of an
// API error, JSON posts, a map point picker for a form's latitude/longitude pair, and
// one clock in the portal's time zone (whatever the browser's). Loaded before the page's own script; the template names the time zone on
// this script's tag: <script src="…/common.js" data-time-zone="Europe/Vilnius">.
window.DispatchCommon = (function () {
  "use strict";
  const script = document.currentScript;
  const language = document.documentElement.lang || undefined;

  function usableZone(zone) {
    if (!zone) return undefined;
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return zone;
    } catch (error) {
      return undefined; // an unknown name: the browser's own zone rather than no clock
    }
  }
  function pageTimeZone() {
    const own = script && script.dataset.timeZone;
    if (own) return own;
    const holder = document.querySelector("[data-time-zone]");
    return holder ? holder.dataset.timeZone : undefined;
  }
  const timeZone = usableZone(pageTimeZone());

  // ------------------------------------------------------------------ text and markup
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  }
  // An element holding `value` as text: for Leaflet's bindTooltip/bindPopup and
  // setTooltipContent, which take an element as it is.
  function text(value, tag, className) {
    const node = document.createElement(tag || "span");
    node.textContent = value === null || value === undefined ? "" : String(value);
    if (className) node.className = className;
    return node;
  }
  // el("a", {href, class, text, dataset, onclick}, [children]): strings among the
  // children become text nodes, never markup.
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    });
    return node;
  }
  // "%(unit)s is busy" + {unit: "MED-7"}; an unknown placeholder stays as it is.
  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, (match, key) =>
      values && key in values ? String(values[key]) : match
    );
  }
  // data-text-waiting-fix="…" → {waitingFix: "…"}
  function readTexts(element) {
    const found = {};
    if (!element) return found;
    Object.keys(element.dataset).forEach((key) => {
      if (key.startsWith("text") && key.length > 4) found[key.charAt(4).toLowerCase() + key.slice(5)] = element.dataset[key];
    });
    return found;
  }

  // ------------------------------------------------------------------ talking to the API
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.split("=")[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function firstOf(value) {
    if (typeof value === "string") return value;
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = firstOf(item);
        if (found) return found;
      }
    } else if (value && typeof value === "object") {
      return firstOf(Object.values(value));
    }
    return "";
  }
  // The API's one error shape: {type, detail, errors: {field: [messages]}}. The message
  // of the field that matters most first, then any field's, then the detail.
  function firstErrorMessage(body, fallback) {
    if (body && typeof body === "object") {
      const errors = body.errors;
      if (errors && typeof errors === "object") {
        for (const key of ["status", "note", "non_field_errors", "unit"]) {
          const found = firstOf(errors[key]);
          if (found) return found;
        }
        const found = firstOf(errors);
        if (found) return found;
      }
      if (typeof body.detail === "string" && body.detail) return body.detail;
    }
    return fallback || "";
  }
  // POST JSON with the session's CSRF token. Resolves to {ok, status, body} (body {} when
  // the answer is not JSON); rejects only when the request did not get through.
  function postJson(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest",
      },
      body: JSON.stringify(payload || {}),
    }).then((response) =>
      response
        .json()
        .catch(() => ({}))
        .then((body) => ({ ok: response.ok, status: response.status, body: body || {} }))
    );
  }

  // ------------------------------------------------------------------ the clock
  const formats = new Map();
  function formatter(locale, options) {
    const key = locale + JSON.stringify(options);
    if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(locale, options));
    return formats.get(key);
  }
  function asDate(value) {
    if (value === null || value === undefined || value === "") return null;
    const date = value instanceof Date ? value : new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  // 24-hour time in the portal's time zone: "14:05", with {seconds: true} "14:05:09",
  // with {date: true} "3 Mar 14:05". Empty for no date.
  function clock(value, options) {
    const date = asDate(value);
    if (!date) return "";
    const opts = options || {};
    const wanted = { timeZone: usableZone(opts.timeZone) || timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (opts.seconds) wanted.second = "2-digit";
    if (opts.date) Object.assign(wanted, { day: "numeric", month: "short" });
    return formatter(language, wanted).format(date);
  }
  // The digits of a moment in the portal's time zone, and the weekday in the page's
  // language: {year, month, day, hour, minute, second, weekday}, all strings.
  function dateParts(value) {
    const date = asDate(value);
    if (!date) return null;
    const parts = { weekday: formatter(language, { weekday: "short", timeZone: timeZone }).format(date) };
    formatter("en-GB", {
      timeZone: timeZone, hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    })
      .formatToParts(date)
      .forEach(({ type, value: part }) => {
        if (type !== "literal") parts[type] = part;
      });
    return parts;
  }

  // ------------------------------------------------------------------ a point on a form
  // A map that picks one point for a pair of latitude/longitude inputs of the element's
  // form: a click (or dragging the marker) writes the inputs, typed values move the
  // marker, the clear button empties both. options: {latitude, longitude (input names),
  // status, clear (selectors; status in the document, clear in the form), label (the
  // marker's title), tooltip (also a tooltip with the label), zoom (at least this when
  // showing typed values)}. The element's data-text-set / data-text-cleared are
  // announced in the status line. The server checks the values again.
  const DECIMALS = 6;
  function parseNumber(input) {
    const value = parseFloat(String(input.value).replace(",", "."));
    return Number.isFinite(value) ? value : null;
  }
  function pointPicker(element, options) {
    const opts = options || {};
    const form = element.closest("form");
    const lat = form.querySelector("[name=" + (opts.latitude || "latitude") + "]");
    const lon = form.querySelector("[name=" + (opts.longitude || "longitude") + "]");
    const status = opts.status ? document.querySelector(opts.status) : null;
    const clear = opts.clear ? form.querySelector(opts.clear) : null;
    const map = window.PortalMap.create(element);
    let marker = null;

    function say(message) {
      if (status) status.textContent = message || "";
    }
    function write(latlng) {
      lat.value = latlng.lat.toFixed(DECIMALS);
      lon.value = latlng.lng.toFixed(DECIMALS);
      say(element.dataset.textSet);
    }
    function show(latlng, zoom) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, title: opts.label, keyboard: true }).addTo(map);
        if (opts.tooltip) marker.bindTooltip(text(opts.label));
        marker.on("dragend", () => write(marker.getLatLng()));
      }
      if (zoom) map.setView(latlng, Math.max(map.getZoom(), opts.zoom || 12));
    }
    function readFields(zoom) {
      const y = parseNumber(lat);
      const x = parseNumber(lon);
      if (y === null || x === null || Math.abs(y) > 90 || Math.abs(x) > 180) return;
      show(L.latLng(y, x), zoom);
    }

    map.on("click", (event) => {
      show(event.latlng, false);
      write(event.latlng);
    });
    [lat, lon].forEach((input) => input.addEventListener("change", () => readFields(true)));
    if (clear) {
      clear.addEventListener("click", () => {
        lat.value = "";
        lon.value = "";
        if (marker) {
          map.removeLayer(marker);
          marker = null;
        }
        say(element.dataset.textCleared);
      });
    }
    readFields(true);
    return map;
  }

  return {
    language: language,
    timeZone: timeZone,
    escapeHtml: escapeHtml,
    text: text,
    el: el,
    fill: fill,
    readTexts: readTexts,
    csrfToken: csrfToken,
    firstErrorMessage: firstErrorMessage,
    postJson: postJson,
    clock: clock,
    dateParts: dateParts,
    pointPicker: pointPicker,
  };
})();
