// Text on the page, shared by every app's scripts: escaping (Leaflet puts a string
// tooltip or popup in as HTML, so server data goes in as text), elements built from
// text, "%(name)s" placeholders, translated words from data-text-* attributes, and one
// clock in the portal's time zone (whatever the browser's). base.html loads it before
// the page's own scripts and names the time zone on this script's tag:
// <script src="…/portal/text.js" data-time-zone="Europe/Vilnius">.
window.PortalText = (function () {
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
  // el("a", {href, class, text, dataset, style, onclick}, [children]): strings among the
  // children become text nodes, never markup. `style` is an object of properties, set
  // through the CSSOM (a style="…" attribute would break the Content-Security-Policy).
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "style") Object.entries(value).forEach(([name, v]) => node.style.setProperty(name, v));
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
  // with {date: true} the portal's one date and time format (portal/formats): "3 Mar
  // 2026 14:05" in English, "2026-03-03 14:05" in Lithuanian. Empty for no date.
  function clock(value, options) {
    const date = asDate(value);
    if (!date) return "";
    const opts = options || {};
    if (opts.date && !opts.seconds && !opts.timeZone) return stamp(date);
    const wanted = { timeZone: usableZone(opts.timeZone) || timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (opts.seconds) wanted.second = "2-digit";
    if (opts.date) Object.assign(wanted, { day: "numeric", month: "short" });
    return formatter(language, wanted).format(date);
  }
  function stamp(date) {
    const parts = dateParts(date);
    const time = parts.hour + ":" + parts.minute;
    if (language === "lt") return parts.year + "-" + parts.month + "-" + parts.day + " " + time;
    const month = formatter("en-GB", { timeZone: timeZone, month: "short" }).format(date);
    return Number(parts.day) + " " + month + " " + parts.year + " " + time;
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

  return {
    language: language,
    timeZone: timeZone,
    escapeHtml: escapeHtml,
    text: text,
    el: el,
    fill: fill,
    readTexts: readTexts,
    clock: clock,
    dateParts: dateParts,
  };
})();
