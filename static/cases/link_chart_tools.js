// The link chart's parts that need none of its state (static/cases/link_chart.js mounts
// the chart and hands them what they work on): the entity kinds' icons and colours, the
// list beside the chart, the layouts and the exports. Loaded before link_chart.js.
window.LinkChartTools = (function () {
  "use strict";

  // Entity kinds are FtM schema names (cases/lib/ftm.py); each draws with the icon and
  // colour of its family, and a kind without one (an imported Airplane) as a plain entity.
  const KIND_ICONS = {
    Person: "person", Company: "company", Organization: "company", LegalEntity: "company",
    PublicBody: "company", Vehicle: "vehicle", Vessel: "vessel", Container: "container",
    Phone: "phone", EmailAddress: "email", Address: "address", Identification: "identity_document",
    Passport: "identity_document", BankAccount: "bank_account", CustomsDeclaration: "shipment",
  };
  const ICON_COLOURS = {
    person: "#1d4ed8", company: "#7c3aed", vehicle: "#0f766e", vessel: "#0369a1",
    container: "#a16207", phone: "#be185d", email: "#c2410c", address: "#15803d",
    identity_document: "#4d7c0f", bank_account: "#b45309", shipment: "#475569", entity: "#475569",
  };
  const iconOf = (kind) => KIND_ICONS[kind] || "entity";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));
  }

  // The list beside the chart: the same entities, for keyboard and screen readers; each
  // with its box for paths and networks, its name that picks it, its badge and Expand.
  function renderList(list, cy, context) {
    const { selected, expanded, strings, iconBase, baseCap, pickEntity, expand } = context;
    list.replaceChildren();
    const nodes = cy.nodes(".entity").sort((a, b) => a.data("label").localeCompare(b.data("label")));
    nodes.forEach((n) => {
      const data = n.data();
      const item = document.createElement("li");
      item.className = "link-chart__item";
      item.dataset.entity = String(data.entity);
      const check = document.createElement("input");
      check.type = "checkbox";
      check.checked = selected.has(data.entity);
      check.setAttribute("aria-label", format(strings.select, { label: data.label }));
      check.addEventListener("change", () => {
        if (check.checked) selected.add(data.entity);
        else selected.delete(data.entity);
        n.toggleClass("is-checked", check.checked);
      });
      const icon = document.createElement("img");
      icon.src = `${iconBase}${iconOf(data.kind)}.svg`;
      icon.alt = "";
      icon.width = icon.height = 20;
      // The name picks the entity, as a tap on it does (the views that follow the
      // chart show its places and moments).
      const name = document.createElement("button");
      name.type = "button";
      name.className = "link-chart__name";
      name.dataset.pickEntity = String(data.entity);
      name.textContent = data.label;
      name.setAttribute("aria-label", format(strings.pick, { label: data.label }));
      name.setAttribute("aria-pressed", String(n.selected()));
      name.addEventListener("click", () => pickEntity(data.entity));
      const badge = document.createElement("span");
      badge.className = "badge badge--info";
      badge.dataset.badge = "";
      if (data.degreeCapped) {
        badge.textContent = format(strings.relationsAtLeast, { count: data.degree });
        badge.title = format(strings.relationsAtLeastTitle, { count: data.degree });
      } else {
        badge.textContent = format(strings.relations, { count: data.degree });
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn--secondary btn--small";
      const done = expanded.has(data.entity);
      button.textContent = done ? strings.expanded : strings.expand;
      button.disabled = done;
      button.setAttribute("aria-label", `${done ? strings.expanded : strings.expand}: ${data.label}`);
      button.addEventListener("click", () => expand(data.entity));
      item.append(check, icon, name, badge, button);
      const more = cy.getElementById(`more-${data.entity}`);
      if (more.nonempty()) {
        const moreButton = document.createElement("button");
        moreButton.type = "button";
        moreButton.className = "btn btn--secondary btn--small link-chart__more";
        moreButton.textContent = format(strings.showMore, { count: Math.min(more.data("hidden"), baseCap) });
        moreButton.title = more.data("title");
        moreButton.addEventListener("click", () => expand(data.entity, Math.min(200, more.data("shown") + baseCap)));
        item.append(moreButton);
      }
      list.append(item);
    });
  }

  function runLayout(cy, name) {
    const options = { name: name, animate: false, padding: 30, fit: true };
    if (name === "breadthfirst") options.roots = cy.nodes(".is-seed");
    if (name === "concentric") {
      options.concentric = (n) => (n.hasClass("is-seed") ? 10 : n.hasClass("more") ? 0 : n.degree());
      options.levelWidth = () => 2;
    }
    if (name === "cose") {
      options.nodeRepulsion = () => 9000;
      options.idealEdgeLength = () => 90;
      options.randomize = false;
    }
    const layout = cy.layout(options);
    // A few entities fitted to the frame would be drawn huge: no closer than 1.4.
    layout.one("layoutstop", () => {
      if (cy.zoom() > 1.4) {
        cy.zoom(1.4);
        cy.center();
      }
    });
    layout.run();
  }

  // Exports: the picture itself, or the chart through the API (GraphML, ANX, FtM).
  function download(blob, name, context) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.append(link);
    link.click();
    setTimeout(() => {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 1000);
    context.say(format(context.strings.exported, { name: name }));
  }

  function exportChart(cy, kind, context) {
    if (kind === "png") {
      download(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }), "chart.png", context);
      return;
    }
    const positions = {};
    cy.nodes(".entity").forEach((n) => {
      positions[n.data("entity")] = [Math.round(n.position("x")), Math.round(n.position("y"))];
    });
    const payload = {
      format: kind,
      nodes: cy.nodes(".entity").map((n) => n.data("entity")),
      edges: cy.edges().not(".more-edge").map((e) => e.data("relation")),
      positions: positions,
    };
    // PortalHttp.postJson reads JSON; a file needs the raw answer.
    fetch(context.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.PortalHttp.csrfToken() },
      body: JSON.stringify(payload),
    })
      .then((response) => {
        if (!response.ok) return response.json().then((body) => Promise.reject(JSON.stringify(body)));
        const disposition = response.headers.get("Content-Disposition") || "";
        const match = disposition.match(/filename="([^"]+)"/);
        return response.blob().then((blob) => download(blob, match ? match[1] : `chart.${kind}`, context));
      })
      .catch(context.fail);
  }

  return { ICON_COLOURS, iconOf, format, renderList, runLayout, exportChart };
})();
