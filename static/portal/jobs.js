// A job's page: polls the job's JSON (the API's job detail) while the job runs and
// updates the progress bar, its message, the rate, the time left, the counters per stage,
// the attempt, the status, the log and the result files in
// place, without reloading the page. Stops once the job has finished. The texts come
// from the page's data-text-* attributes (translated by the template).
(function () {
  "use strict";
  const root = document.querySelector("[data-job]");
  if (!root) return;
  const T = window.PortalText;
  const texts = T.readTexts(root);
  const POLL_MS = 1000;
  const TIMEOUT_MS = 10000;
  const STATUS_CLASSES = ["queued", "running", "succeeded", "failed", "cancelled"];

  const find = (selector) => root.querySelector(selector);
  const bar = find("[data-job-bar]");
  const progress = find("[data-job-progress]");
  const percent = find("[data-job-percent]");
  const message = find("[data-job-message]");
  const status = find("[data-job-status]");
  const error = find("[data-job-error]");
  const log = find("[data-job-log]");
  const dropped = find("[data-job-dropped]");
  const results = find("[data-job-results]");
  const started = find("[data-job-started]");
  const finished = find("[data-job-finished]");
  const cancel = find("[data-job-cancel]");
  const connection = find("[data-job-connection]");
  const items = find("[data-job-items]");
  const rate = find("[data-job-rate]");
  const eta = find("[data-job-eta]");
  const attempt = find("[data-job-attempt]");
  const counts = find("[data-job-counts]");
  const counterLabels = JSON.parse(root.dataset.counterLabels || "{}");
  const STAGE_ORDER = Object.keys(counterLabels);
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 1 });
  let lastLogId = null;
  let lastResultIds = null;

  function showStatus(job) {
    status.textContent = job.status_label;
    STATUS_CLASSES.forEach((name) => {
      status.classList.toggle("job-status--" + name, name === job.status);
      bar.classList.toggle("job-progress__bar--" + name, name === job.status);
    });
  }

  function showProgress(job) {
    // Through the CSSOM (the Content-Security-Policy forbids style="…").
    bar.style.setProperty("width", job.progress_percent + "%");
    progress.setAttribute("aria-valuenow", String(job.progress_percent));
    percent.textContent = job.progress_percent + " %";
    message.textContent = job.progress_message;
    error.textContent = job.error;
    error.hidden = !job.error;
    started.textContent = job.started_at ? T.clock(job.started_at, { date: true }) : "—";
    finished.textContent = job.finished_at ? T.clock(job.finished_at, { date: true }) : "—";
  }

  // "40 s", "3 min", "2 h 5 min": the units read the same in English and Lithuanian.
  function duration(seconds) {
    if (seconds < 60) return seconds + " s";
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return minutes + " min";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function showSpeed(job) {
    if (job.items_total !== null) {
      items.textContent = T.fill(texts.items, { done: number.format(job.items_done), total: number.format(job.items_total) });
    } else {
      items.textContent = job.items_done ? number.format(job.items_done) : "";
    }
    rate.textContent = job.rate_per_second !== null ? T.fill(texts.rate, { rate: number.format(job.rate_per_second) }) : "";
    eta.textContent = job.eta_seconds !== null ? T.fill(texts.eta, { time: duration(job.eta_seconds) }) : "";
    attempt.textContent = job.attempts > 1 ? T.fill(texts.attempt, { attempt: job.attempts, most: job.max_attempts }) : "";
  }

  function showCounts(job) {
    const rank = (name) => (STAGE_ORDER.indexOf(name) + 1 || 99);
    const names = Object.keys(job.counts).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    counts.replaceChildren(
      ...names.map((name) =>
        T.el("div", { class: "job-counts__item" }, [
          T.el("dt", { text: counterLabels[name] || name }),
          T.el("dd", { text: number.format(job.counts[name]) }),
        ])
      )
    );
  }

  function showLog(job) {
    const newest = job.log.length ? job.log[job.log.length - 1].id : 0;
    if (newest === lastLogId) return;
    lastLogId = newest;
    const lines = job.log.map((line) =>
      T.el("li", { class: "job-log__line job-log__line--" + line.level }, [
        T.el("time", { datetime: line.at, text: T.clock(line.at, { seconds: true }) }),
        T.el("span", { text: line.message }),
      ])
    );
    log.replaceChildren(...(lines.length ? lines : [T.el("li", { class: "muted", text: texts.noLog })]));
    dropped.hidden = !job.log_dropped;
    dropped.textContent = T.fill(texts.dropped, { count: job.log_dropped });
  }

  // A result holding secrets downloads once, for the job's owner only: no download
  // attribute (a refusal comes back as the job's page with its reason) and a note.
  function onceNote(result) {
    if (result.downloaded_at) {
      return T.fill(texts.downloaded, {
        name: result.downloaded_by,
        when: T.clock(result.downloaded_at, { date: true }),
      });
    }
    return root.dataset.owner === "yes" ? texts.once : texts.onceOther;
  }

  function resultName(result) {
    const url = root.dataset.resultUrl.replace(/\/0\/$/, "/" + result.id + "/");
    if (!result.once) return T.el("a", { href: url, download: true, text: result.name });
    if (result.downloaded_at || root.dataset.owner !== "yes") return T.el("span", { text: result.name });
    return T.el("a", { href: url, text: result.name });
  }

  function showResults(job) {
    const ids = job.results.map((result) => result.id + (result.downloaded_at ? "d" : "")).join(",");
    if (ids === lastResultIds) return;
    lastResultIds = ids;
    const items = job.results.map((result) =>
      T.el("li", {}, [
        resultName(result),
        " ",
        T.el("span", { class: "muted", text: T.fill(texts.bytes, { size: result.size }) }),
        ...(result.once ? [T.el("p", { class: "job-results__once", "data-job-result-once": "", text: onceNote(result) })] : []),
        T.el("div", { class: "muted mono job-results__hash", text: "SHA-256 " + result.sha256 }),
      ])
    );
    results.replaceChildren(...(items.length ? items : [T.el("li", { class: "muted", text: texts.noResults })]));
  }

  function show(job) {
    showStatus(job);
    showProgress(job);
    showSpeed(job);
    showCounts(job);
    showLog(job);
    showResults(job);
    if (job.finished && cancel) cancel.hidden = true;
  }

  function poll() {
    window.PortalHttp.withTimeout(TIMEOUT_MS, (signal) => window.PortalHttp.getJson(root.dataset.jobUrl, { signal: signal }))
      .then((job) => {
        connection.hidden = true;
        show(job);
        if (!job.finished) setTimeout(poll, POLL_MS);
      })
      .catch(() => {
        connection.textContent = texts.connection;
        connection.hidden = false;
        setTimeout(poll, POLL_MS * 3);
      });
  }

  if (root.dataset.finished !== "yes") setTimeout(poll, POLL_MS);
})();
