// The link chart (Cytoscape.js): entities as typed icons, relations as labelled directed
// edges, read from the graph API (/api/v1/graph/...), which answers only with what the
// user may see. Reusable: LinkChart.mount(element) on any element carrying the data-*
// URLs of templates/cases/entity_chart.html (the case chart mounts it the same way).
//
// Every step that adds to the chart (an expansion, a path, a network, a pivot) is one
// entry on the undo stack. A node's badge (the second line of its label, and the number
// in the list beside the chart) counts its relations before it is expanded; above the
// cap an expansion shows a "N more" node, never a silent cut.
//
// The handle (element.linkChart) lets another view follow the chart (the case's timeline
// and map, static/cases/case_workbench.js): onPick tells which entities the user picked
// (a tap, or the name in the list), onPeriod where the period's end went; focus and
// setPeriodEnd lead the chart from there without calling those back.
window.LinkChart = (function () {
  "use strict";

  const { ICON_COLOURS, iconOf, format } = window.LinkChartTools;

  function mount(root) {
    const strings = JSON.parse(document.getElementById("link-chart-strings").textContent);
    const urls = {
      expand: root.dataset.expandUrl,
      path: root.dataset.pathUrl,
      network: root.dataset.networkUrl,
      pivot: root.dataset.pivotUrl,
      export: root.dataset.exportUrl,
    };
    const iconBase = root.dataset.icons;
    const baseCap = Number(root.dataset.cap) || 25;
    // One seed (an entity's chart) or several (a case's entities: data-seeds="1,5,9").
    const seeds = (root.dataset.seeds || root.dataset.seed || "").split(",").filter(Boolean).map(Number);
    const seed = seeds[0];
    // A case's chart saved before: {entity id: [x, y]} (data-positions names the
    // json_script element); its entities come back where they were left.
    const positionsScript = root.dataset.positions ? document.getElementById(root.dataset.positions) : null;
    const saved = positionsScript ? JSON.parse(positionsScript.textContent) || {} : {};
    const savedIds = Object.keys(saved).map(Number);
    const status = root.querySelector("[data-status]");
    const list = root.querySelector("[data-list]");
    const kindsBox = root.querySelector("[data-kinds]");
    const fromInput = root.querySelector("[data-from]");
    const toInput = root.querySelector("[data-to]");
    const fromLabel = root.querySelector("[data-from-label]");
    const toLabel = root.querySelector("[data-to-label]");
    const undatedInput = root.querySelector("[data-undated]");
    const history = [];
    const expanded = new Map(); // node id -> cap used
    const selected = new Set();
    let dates = []; // sorted distinct dates (ISO) of the relations on the chart
    const listeners = { pick: [], period: [] };
    let quietPick = false; // the selection changes because another view asked: tell nobody
    let pickPending = false;

    const cy = cytoscape({
      container: root.querySelector("[data-canvas]"),
      wheelSensitivity: 0.3,
      minZoom: 0.15,
      maxZoom: 3,
      style: [
        {
          selector: "node.entity",
          style: {
            "background-color": "#fff",
            "background-image": (n) => `${iconBase}${iconOf(n.data("kind"))}.svg`,
            "background-fit": "contain",
            "background-clip": "none",
            "border-width": 2,
            "border-color": (n) => ICON_COLOURS[iconOf(n.data("kind"))],
            label: "data(display)",
            "text-wrap": "wrap",
            "text-max-width": 130,
            "text-valign": "bottom",
            "text-margin-y": 4,
            "font-size": 11,
            color: "#1b2330",
            "text-background-color": "#fff",
            "text-background-opacity": 0.85,
            "text-background-padding": 2,
            width: 38,
            height: 38,
          },
        },
        { selector: "node.entity.is-seed", style: { "border-width": 4 } },
        { selector: "node.entity.is-checked", style: { "border-color": "#f59e0b", "border-width": 5 } },
        {
          selector: "node.more",
          style: {
            shape: "round-rectangle",
            "background-color": "#fff3dc",
            "border-color": "#a15c00",
            "border-width": 1,
            "border-style": "dashed",
            label: "data(display)",
            "text-valign": "center",
            "font-size": 11,
            color: "#a15c00",
            width: "label",
            height: 24,
            padding: 6,
          },
        },
        {
          selector: "edge",
          style: {
            width: 1.5,
            "line-color": "#94a3b8",
            "target-arrow-color": "#94a3b8",
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
            // The kind, and a payment's sum or an ownership's share where it has one.
            label: "data(caption)",
            "font-size": 9,
            color: "#5b6575",
            "text-rotation": "autorotate",
            "text-background-color": "#fff",
            "text-background-opacity": 0.85,
            // Zoomed out over many relations their labels would only be a grey blur.
            "min-zoomed-font-size": 8,
            "line-style": (e) => (e.data("confidence") >= 80 ? "solid" : e.data("confidence") >= 50 ? "dashed" : "dotted"),
          },
        },
        { selector: "edge.more-edge", style: { "line-style": "dashed", "target-arrow-shape": "none", label: "" } },
        { selector: "node.is-path", style: { "border-color": "#dc2626", "border-width": 5 } },
        { selector: "edge.is-path", style: { "line-color": "#dc2626", "target-arrow-color": "#dc2626", width: 4 } },
        {
          selector: "node.entity:selected",
          style: { "overlay-color": "#2563eb", "overlay-opacity": 0.2, "overlay-padding": 7 },
        },
        { selector: "edge.is-focus", style: { "line-color": "#2563eb", "target-arrow-color": "#2563eb", width: 4 } },
        { selector: ".is-dimmed", style: { opacity: 0.25 } },
        { selector: ".is-hidden", style: { display: "none" } },
      ],
    });

    // A relation kind (Payment, Ownership...) in the page's language; as stored if unknown.
    function kindLabel(kind) {
      return (strings.relationKinds || {})[kind] || kind;
    }

    function say(text) {
      status.textContent = text;
    }

    function fail(error) {
      say(format(strings.failed, { error: error }));
    }

    function display(data) {
      const done = expanded.has(data.entity);
      // A hub's relations are counted up to a cap: "250+" is a lower bound.
      const badge = done ? "" : `\n⊕ ${data.degree}${data.degreeCapped ? "+" : ""}`;
      return `${data.label}${badge}`;
    }

    function query(params) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== "") search.set(key, value);
      }
      return search.toString();
    }

    function getJson(url, params) {
      return fetch(`${url}?${query(params)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then((response) =>
        response.json().then((body) => {
          if (response.ok) return body;
          const first = Object.values(body.detail || body)[0];
          return Promise.reject(Array.isArray(first) ? first[0] : first || response.status);
        })
      );
    }

    // Adds an API answer to the chart; returns the elements added (for undo).
    function add(answer, highlight) {
      const added = [];
      for (const node of answer.nodes) {
        const id = String(node.id);
        const existing = cy.getElementById(id);
        if (existing.nonempty()) {
          existing.data("degree", node.degree);
          existing.data("degreeCapped", Boolean(node.degree_capped));
          existing.data("display", display({ ...node, entity: node.id }));
          continue;
        }
        const data = {
          id: id, entity: node.id, kind: node.kind, label: node.label, key: node.key,
          degree: node.degree, degreeCapped: Boolean(node.degree_capped),
        };
        data.display = display(data);
        added.push(cy.add({ group: "nodes", data: data, classes: seeds.includes(node.id) ? "entity is-seed" : "entity" }));
      }
      for (const edge of answer.edges) {
        const id = `r${edge.id}`;
        if (cy.getElementById(id).nonempty()) continue;
        added.push(
          cy.add({
            group: "edges",
            data: {
              id: id, relation: edge.id, source: String(edge.source), target: String(edge.target),
              kind: edge.kind, caption: [kindLabel(edge.kind), edge.amount].filter(Boolean).join(" · "),
              amount: edge.amount || "", from: edge.valid_from, to: edge.valid_to, confidence: edge.confidence,
            },
          })
        );
      }
      for (const more of answer.more || []) {
        const id = `more-${more.node}`;
        cy.getElementById(id).remove();
        const owner = cy.getElementById(String(more.node));
        const text = format(more.at_least ? strings.moreAtLeast : strings.more, { count: more.hidden });
        const title = format(more.at_least ? strings.moreAtLeastTitle : strings.moreTitle, {
          count: more.hidden, label: owner.data("label"),
        });
        added.push(
          cy.add({
            group: "nodes",
            data: { id: id, owner: more.node, hidden: more.hidden, shown: more.shown, display: text, title: title },
            classes: "more",
          }),
          cy.add({ group: "edges", data: { id: `${id}-edge`, source: String(more.node), target: id }, classes: "more-edge" })
        );
      }
      if (highlight) {
        cy.elements().removeClass("is-path");
        for (const id of highlight.nodes) cy.getElementById(String(id)).addClass("is-path");
        for (const id of highlight.edges) cy.getElementById(`r${id}`).addClass("is-path");
      }
      return cy.collection(added);
    }

    function step(answer, options) {
      const opts = options || {};
      const before = new Map(expanded);
      for (const id of opts.expanding || []) expanded.set(id, opts.cap || baseCap);
      const added = add(answer, opts.highlight);
      // A node expanded again with a larger cap replaces its "more" marker: keep the
      // old one to put back on undo.
      history.push({ added: added, expanded: before, removedMore: opts.removedMore || null });
      refreshLabels();
      afterChange(added.nonempty());
      return added;
    }

    function refreshLabels() {
      cy.nodes(".entity").forEach((n) => n.data("display", display(n.data())));
    }

    function undo() {
      const last = history.pop();
      if (!last) {
        say(strings.nothingToUndo);
        return;
      }
      last.added.remove();
      if (last.removedMore) cy.add(last.removedMore);
      expanded.clear();
      for (const [k, v] of last.expanded) expanded.set(k, v);
      for (const id of Array.from(selected)) if (cy.getElementById(String(id)).empty()) selected.delete(id);
      cy.elements().removeClass("is-path");
      refreshLabels();
      afterChange(false);
      say(strings.undone);
    }

    function expand(entityId, cap) {
      say(strings.loading);
      const size = cap || baseCap;
      const old = cy.getElementById(`more-${entityId}`);
      const removedMore = old.nonempty() ? old.union(old.connectedEdges()).jsons() : null;
      return getJson(urls.expand, { ids: entityId, hops: 1, cap: size })
        .then((answer) => {
          if (removedMore) old.remove();
          const added = step(answer, { expanding: [entityId], cap: size, removedMore: removedMore });
          const node = cy.getElementById(String(entityId));
          say(`${node.data("label")}: ${added.nodes(".entity").length} +`);
        })
        .catch(fail);
    }

    function checkedIds() {
      return Array.from(selected).sort((a, b) => a - b);
    }

    function path() {
      const ids = checkedIds();
      if (ids.length !== 2) return say(strings.pathPick);
      say(strings.loading);
      getJson(urls.path, { source: ids[0], target: ids[1] })
        .then((answer) => {
          const highlight = { nodes: answer.path, edges: answer.edges.map((e) => e.id) };
          step(answer, { highlight: highlight });
          if (answer.status === "found") say(format(strings.pathFound, { hops: answer.hops }));
          else if (answer.status === "none") say(format(strings.pathNone, { hops: root.dataset.maxHops }));
          else say(strings.pathTooBroad);
        })
        .catch(fail);
    }

    function network() {
      const ids = checkedIds();
      if (ids.length < 2) return say(strings.networkPick);
      say(strings.loading);
      getJson(urls.network, { ids: ids.join(",") })
        .then((answer) => {
          step(answer, { highlight: { nodes: answer.nodes.map((n) => n.id), edges: answer.edges.map((e) => e.id) } });
          let text = format(strings.networkDone, { nodes: answer.nodes.length });
          if (answer.unconnected.length) text += " " + format(strings.networkUnconnected, { count: answer.unconnected.length });
          say(text);
        })
        .catch(fail);
    }

    function pivot() {
      const ids = checkedIds();
      if (!ids.length) return say(strings.pivotPick);
      say(strings.loading);
      getJson(urls.pivot, { ids: ids.join(",") })
        .then((answer) => {
          step(answer);
          const sharing = new Set(answer.groups.flatMap((g) => g.sharing));
          say(sharing.size ? format(strings.pivotDone, { count: sharing.size }) : strings.pivotNone);
        })
        .catch(fail);
    }

    // --- Filters: relation types and the period -------------------------------------
    function rebuildFilters() {
      const kinds = Array.from(new Set(cy.edges().not(".more-edge").map((e) => e.data("kind")))).sort();
      const known = new Map(Array.from(kindsBox.querySelectorAll("input")).map((i) => [i.value, i.checked]));
      kindsBox.querySelectorAll("label").forEach((l) => l.remove());
      for (const kind of kinds) {
        const label = document.createElement("label");
        label.className = "link-chart__check";
        const input = document.createElement("input");
        input.type = "checkbox";
        input.value = kind;
        input.checked = known.has(kind) ? known.get(kind) : true;
        input.addEventListener("change", applyFilters);
        label.append(input, ` ${kindLabel(kind)}`);
        kindsBox.append(label);
      }
      const all = new Set();
      cy.edges().forEach((e) => {
        if (e.data("from")) all.add(e.data("from"));
        if (e.data("to")) all.add(e.data("to"));
      });
      const previous = [dates[Number(fromInput.value)], dates[Number(toInput.value)]];
      const wasFull = !dates.length || (Number(fromInput.value) === 0 && Number(toInput.value) === dates.length - 1);
      dates = Array.from(all).sort();
      const last = Math.max(0, dates.length - 1);
      fromInput.max = toInput.max = String(last);
      fromInput.disabled = toInput.disabled = dates.length < 2;
      fromInput.hidden = toInput.hidden = !dates.length;
      toInput.closest("label").hidden = !dates.length;
      if (wasFull) {
        fromInput.value = "0";
        toInput.value = String(last);
      } else {
        fromInput.value = String(Math.max(0, dates.indexOf(previous[0])));
        toInput.value = String(dates.indexOf(previous[1]) >= 0 ? dates.indexOf(previous[1]) : last);
      }
      applyFilters();
    }

    function applyFilters() {
      if (Number(fromInput.value) > Number(toInput.value)) {
        if (document.activeElement === fromInput) toInput.value = fromInput.value;
        else fromInput.value = toInput.value;
      }
      const start = dates[Number(fromInput.value)] || null;
      const end = dates[Number(toInput.value)] || null;
      fromLabel.textContent = dates.length ? start : strings.noDates;
      toLabel.textContent = dates.length ? end : "";
      const off = new Set(Array.from(kindsBox.querySelectorAll("input")).filter((i) => !i.checked).map((i) => i.value));
      const full = !dates.length || (Number(fromInput.value) === 0 && Number(toInput.value) === dates.length - 1);
      cy.batch(() => {
        cy.edges().not(".more-edge").forEach((e) => {
          const from = e.data("from");
          const to = e.data("to");
          let visible = !off.has(e.data("kind"));
          if (!from && !to) visible = visible && undatedInput.checked;
          else if (!full) visible = visible && (!to || to >= start) && (!from || from <= end);
          e.toggleClass("is-hidden", !visible);
        });
        // An entity whose every relation is filtered out leaves the picture (not the
        // chart: it comes back with its relations).
        cy.nodes(".entity").forEach((n) => {
          const edges = n.connectedEdges().not(".more-edge");
          const hidden = edges.nonempty() && edges.filter((e) => !e.hasClass("is-hidden")).empty() && !n.hasClass("is-seed");
          n.toggleClass("is-hidden", hidden);
        });
      });
    }

    // The end of the period, or null when it is the last date (the whole chart).
    function periodEnd() {
      const index = Number(toInput.value);
      return !dates.length || index >= dates.length - 1 ? null : dates[index];
    }

    function periodMoved() {
      applyFilters();
      listeners.period.forEach((listener) => listener(periodEnd()));
    }

    // The period's end to the last date on or before ``day`` (ISO), or the last date
    // when ``day`` is null; before the first date it stays at the first.
    function setPeriodEnd(day) {
      if (!dates.length) return;
      let index = dates.length - 1;
      if (day !== null) {
        index = 0;
        dates.forEach((date, i) => {
          if (date <= day) index = i;
        });
      }
      toInput.value = String(index);
      if (Number(fromInput.value) > index) fromInput.value = String(index);
      applyFilters();
    }

    // --- Picking entities: shared with the views that follow the chart ---------------
    function picked() {
      return cy.nodes(".entity:selected").map((n) => ({ id: n.data("entity"), label: n.data("label") }));
    }

    // Cytoscape tells each node selected or unselected: one answer per tap.
    function pickChanged() {
      list.querySelectorAll("[data-pick-entity]").forEach((button) => {
        const node = cy.getElementById(button.dataset.pickEntity);
        button.setAttribute("aria-pressed", String(node.nonempty() && node.selected()));
      });
      if (pickPending) return;
      pickPending = true;
      setTimeout(() => {
        pickPending = false;
        if (quietPick) {
          quietPick = false;
          return;
        }
        cy.elements().removeClass("is-dimmed is-focus");
        const entities = picked();
        listeners.pick.forEach((listener) => listener(entities));
      }, 0);
    }

    function pickEntity(id) {
      const node = cy.getElementById(String(id));
      cy.$(":selected").unselect();
      node.select();
      // Picked from the list: bring it into the frame if the chart has it outside.
      const box = node.renderedBoundingBox();
      if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) cy.center(node);
    }

    // Selects the entities ``ids`` and the relations ``relations`` another view points
    // at, dimming the rest; [] clears. Answers the entities found on the chart.
    function focus(ids, relations) {
      quietPick = true;
      pickChanged();
      cy.$(":selected").unselect();
      cy.elements().removeClass("is-dimmed is-focus");
      const wanted = new Set((ids || []).map(String));
      const nodes = cy.nodes(".entity").filter((n) => wanted.has(n.id()));
      const edges = cy.collection((relations || []).map((id) => cy.getElementById(`r${id}`)).filter((e) => e.nonempty()));
      if (!wanted.size) return [];
      nodes.select();
      edges.addClass("is-focus");
      const kept = nodes.union(edges).union(nodes.edgesWith(nodes));
      cy.elements().not(kept).addClass("is-dimmed");
      if (nodes.nonempty()) cy.animate({ center: { eles: nodes } }, { duration: 200 });
      return nodes.map((n) => ({ id: n.data("entity"), label: n.data("label") }));
    }

    // The list beside the chart: the same entities, for keyboard and screen readers.
    function renderList() {
      window.LinkChartTools.renderList(list, cy, {
        selected, expanded, strings, iconBase, baseCap, pickEntity, expand,
      });
    }

    function runLayout() {
      window.LinkChartTools.runLayout(cy, root.querySelector("[data-layout]").value);
    }

    function exportChart(kind) {
      window.LinkChartTools.exportChart(cy, kind, { url: urls.export, say, fail, strings });
    }

    function afterChange(relayout) {
      rebuildFilters();
      renderList();
      cy.nodes(".entity").forEach((n) => n.toggleClass("is-checked", selected.has(n.data("entity"))));
      if (relayout) runLayout();
    }

    // --- Wiring -----------------------------------------------------------------------
    cy.on("tap", "node.entity", (event) => {
      const id = event.target.data("entity");
      if (event.originalEvent && (event.originalEvent.shiftKey || event.originalEvent.ctrlKey)) {
        if (selected.has(id)) selected.delete(id);
        else selected.add(id);
        afterChange(false);
      } else if (!expanded.has(id)) {
        expand(id);
      }
    });
    cy.on("select unselect", "node.entity", pickChanged);
    cy.on("tap", "node.more", (event) => {
      const owner = event.target.data("owner");
      expand(owner, Math.min(200, event.target.data("shown") + baseCap));
    });
    root.querySelector("[data-action=undo]").addEventListener("click", undo);
    root.querySelector("[data-action=path]").addEventListener("click", path);
    root.querySelector("[data-action=network]").addEventListener("click", network);
    root.querySelector("[data-action=pivot]").addEventListener("click", pivot);
    root.querySelector("[data-layout]").addEventListener("change", runLayout);
    root.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => exportChart(b.dataset.export)));
    fromInput.addEventListener("input", periodMoved);
    toInput.addEventListener("input", periodMoved);
    undatedInput.addEventListener("change", applyFilters);

    // --- Saving a case's chart (positions of its entities) -----------------------------
    function saveChart() {
      const positions = {};
      cy.nodes(".entity").forEach((n) => {
        positions[n.data("entity")] = [Math.round(n.position("x")), Math.round(n.position("y"))];
      });
      fetch(root.dataset.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": window.PortalHttp.csrfToken() },
        body: JSON.stringify({ positions: positions }),
      })
        .then((response) =>
          response.json().then((body) => {
            if (!response.ok) return Promise.reject(Object.values(body.errors || body).flat().join(" "));
            say(format(strings.saved, { count: body.count }));
          })
        )
        .catch(fail);
    }
    const saveButton = root.querySelector("[data-action=save]");
    if (saveButton) saveButton.addEventListener("click", saveChart);

    // The starting entities and their neighbours: the first step (undo keeps the start).
    // A saved chart comes back as it was left: its entities, at their places.
    say(strings.loading);
    const start = savedIds.length ? [...new Set([...seeds, ...savedIds])].slice(0, 50) : seeds;
    if (!start.length) say(strings.empty);
    else getJson(urls.expand, { ids: start.join(","), hops: 1, cap: baseCap })
      .then((answer) => {
        const keep = new Set(start);
        if (savedIds.length) answer = { nodes: answer.nodes.filter((n) => keep.has(n.id)), edges: answer.edges.filter((e) => keep.has(e.source) && keep.has(e.target)), more: [] };
        else start.forEach((id) => expanded.set(id, baseCap));
        add(answer);
        cy.nodes(".entity").forEach((n) => saved[n.data("entity")] && n.position({ x: saved[n.data("entity")][0], y: saved[n.data("entity")][1] }));
        refreshLabels();
        afterChange(!savedIds.length);
        if (savedIds.length) cy.fit(undefined, 30).zoom(Math.min(cy.zoom(), 1.4)).center();
        say("");
      })
      .catch(fail);
    return {
      cy: cy,
      expand: expand,
      undo: undo,
      focus: focus,
      say: say,
      setPeriodEnd: setPeriodEnd,
      periodEnd: periodEnd,
      onPick: (listener) => listeners.pick.push(listener),
      onPeriod: (listener) => listeners.period.push(listener),
    };
  }

  document.querySelectorAll("[data-link-chart]").forEach((element) => {
    element.linkChart = mount(element);
  });
  return { mount: mount };
})();
