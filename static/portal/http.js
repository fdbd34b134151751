// Talking to the portal from any app's scripts: the session's CSRF token, JSON reads
// and posts, a time limit on a request, and the first message of an API error.
// base.html loads it before the page's own scripts.
window.PortalHttp = (function () {
  "use strict";

  // The cookie when the browser may read it, else the token of a form on the page:
  // either way the current session's.
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.split("=")[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // GET JSON with the session's cookies. Resolves to the body; an answer other than 2xx
  // rejects with its status, or resolves to options.fallback when one is given (a
  // request that does not get through always rejects). options.signal aborts it.
  function getJson(url, options) {
    const opts = options || {};
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: opts.signal }).then(
      (response) => {
        if (response.ok) return response.json();
        return "fallback" in opts ? opts.fallback : Promise.reject(response.status);
      }
    );
  }

  // POST JSON with the session's CSRF token. Resolves to {ok, status, body} (body {} when
  // the answer is not JSON); rejects only when the request did not get through.
  function postJson(url, payload) {
    return sendJson("POST", url, payload);
  }
  // The same with another method (PATCH, PUT, DELETE).
  function sendJson(method, url, payload) {
    return fetch(url, {
      method: method,
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

  // work(signal) → a promise; the signal aborts once `ms` have passed, so that a request
  // (and the reading of its answer) that stalls longer fails as a lost connection would.
  function withTimeout(ms, work) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    return Promise.resolve()
      .then(() => work(controller.signal))
      .finally(() => clearTimeout(timer));
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

  return {
    csrfToken: csrfToken,
    getJson: getJson,
    postJson: postJson,
    sendJson: sendJson,
    withTimeout: withTimeout,
    firstErrorMessage: firstErrorMessage,
  };
})();
