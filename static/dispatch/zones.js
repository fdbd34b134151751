// Patrol zones: the map of all zones on the list page, and the drawing map of the zone
// form (leaflet.draw). The form's outline field holds the GeoJSON the server checks;
// the map only fills it in.
(function () {
  const txt = window.PortalText;
  function zoneStyle(properties, faint) {
    const colour = properties.colour || "#2563eb";
    if (!properties.active) {
      return { className: "zone-shape", color: "#64748b", weight: 1.5, dashArray: "5 5", fillColor: "#94a3b8", fillOpacity: 0.08 };
    }
    return faint
      ? { className: "zone-shape", color: colour, weight: 1, fillColor: colour, fillOpacity: 0.06, dashArray: "3 4" }
      : { className: "zone-shape", color: colour, weight: 2.5, fillColor: colour, fillOpacity: 0.18 };
  }

  function loadZones(url) {
    return window.PortalHttp.getJson(url, { fallback: { type: "FeatureCollection", features: [] } });
  }

  // The list page: every zone, coloured, with a popup leading to its form.
  function listMap(element) {
    const map = window.PortalMap.create(element);
    loadZones(element.dataset.zonesUrl).then((collection) => {
      if (!collection.features.length) return;
      const layer = L.geoJSON(collection, {
        style: (feature) => zoneStyle(feature.properties, false),
        onEachFeature: (feature, zoneLayer) => {
          const p = feature.properties;
          const words = txt.readTexts(element);
          const popup = txt.el("div", { class: "zone-popup" }, [
            txt.el("strong", { text: p.name }),
            p.active ? null : txt.el("em", { text: " (" + words.inactive + ")" }),
          ]);
          if (element.dataset.editUrl) {
            const url = element.dataset.editUrl.replace("/0/", "/" + encodeURIComponent(p.id) + "/");
            popup.append(txt.el("br"), txt.el("a", { href: url, text: words.edit }));
          }
          zoneLayer.bindPopup(popup);
          zoneLayer.bindTooltip(txt.text(p.name), { sticky: true });
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 12 });
    });
  }

  function localise(texts) {
    if (!texts || !L.drawLocal) return;
    const draw = L.drawLocal.draw;
    const edit = L.drawLocal.edit;
    draw.toolbar.buttons.polygon = texts.polygon;
    draw.toolbar.actions = { title: texts.cancel_title, text: texts.cancel };
    draw.toolbar.finish = { title: texts.finish_title, text: texts.finish };
    draw.toolbar.undo = { title: texts.undo_title, text: texts.undo };
    draw.handlers.polygon.tooltip = { start: texts.start, cont: texts.cont, end: texts.end };
    draw.handlers.polyline.error = texts.crossing;
    edit.toolbar.buttons = {
      edit: texts.edit,
      editDisabled: texts.nothing,
      remove: texts.remove,
      removeDisabled: texts.nothing,
    };
    edit.toolbar.actions.save = { title: texts.save_title, text: texts.save };
    edit.toolbar.actions.cancel = { title: texts.cancel_title, text: texts.cancel };
    edit.toolbar.actions.clearAll = { title: texts.remove, text: texts.remove };
    edit.handlers.edit.tooltip = { text: texts.edit_tip, subtext: "" };
    edit.handlers.remove.tooltip = { text: texts.remove_tip };
  }

  // The form: one editable outline, the other zones faintly behind it for context.
  function drawMap(element) {
    const form = element.closest("form");
    const area = form.querySelector("[data-zone-area]");
    const colourInput = form.querySelector("input[type=color]");
    const status = document.querySelector("[data-zone-status]");
    const textsNode = document.getElementById("zone-draw-texts");
    const texts = textsNode ? JSON.parse(textsNode.textContent) : {};
    localise(texts);
    const map = window.PortalMap.create(element);
    const outline = new L.FeatureGroup().addTo(map);

    function style() {
      const colour = colourInput ? colourInput.value : "#2563eb";
      return { className: "zone-outline-shape", color: colour, weight: 3, fillColor: colour, fillOpacity: 0.2 };
    }

    function say(text, kind) {
      status.textContent = text || "";
      status.className = "zone-status" + (kind ? " zone-status--" + kind : "");
    }

    function corners(layer) {
      const rings = layer.getLatLngs();
      return Array.isArray(rings[0]) ? rings[0].length : rings.length;
    }

    function writeOutline() {
      const layers = outline.getLayers();
      if (!layers.length) {
        area.value = "";
        say(texts.empty, "");
        return;
      }
      const geometry = layers[0].toGeoJSON(7).geometry;
      area.value = JSON.stringify(geometry);
      say((texts.drawn || "").replace("{count}", corners(layers[0])), "ok");
    }

    // fit: zoom to it; changed: the person changed it (then "Save the zone to keep it").
    function readOutline(fit, changed) {
      outline.clearLayers();
      if (!area.value.trim()) return false;
      try {
        let geometry = JSON.parse(area.value);
        if (geometry.type === "Feature") geometry = geometry.geometry;
        if (!geometry || geometry.type !== "Polygon") return false;
        const layer = L.geoJSON(geometry, { style: style }).getLayers()[0];
        outline.addLayer(layer);
        if (fit) map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 14 });
        // As saved, nothing is to keep yet: "Save the zone to keep it" comes with a change.
        const words = changed ? texts.drawn : texts.current;
        say((words || "").replace("{count}", corners(layer)), changed ? "ok" : "");
        return true;
      } catch (error) {
        say(texts.unreadable, "bad");
        return false;
      }
    }

    loadZones(element.dataset.zonesUrl).then((collection) => {
      const own = element.dataset.zoneId;
      const others = collection.features.filter((feature) => String(feature.properties.id) !== own);
      L.geoJSON({ type: "FeatureCollection", features: others }, {
        style: (feature) => zoneStyle(feature.properties, true),
        interactive: false,
      }).addTo(map);
      outline.bringToFront();
    });

    map.addControl(new L.Control.Draw({
      position: "topleft",
      draw: {
        polygon: { allowIntersection: false, showArea: false, shapeOptions: style(), drawError: { color: "#b42318", timeout: 2500 } },
        polyline: false, rectangle: false, circle: false, marker: false, circlemarker: false,
      },
      edit: { featureGroup: outline, edit: { selectedPathOptions: { dashArray: "6 6", fillOpacity: 0.12 } }, remove: true },
    }));

    map.on(L.Draw.Event.CREATED, (event) => {
      outline.clearLayers();
      event.layer.setStyle(style());
      outline.addLayer(event.layer);
      writeOutline();
    });
    map.on(L.Draw.Event.EDITED, writeOutline);
    map.on(L.Draw.Event.EDITVERTEX, writeOutline);
    map.on(L.Draw.Event.DELETED, writeOutline);
    area.addEventListener("change", () => readOutline(true, true));
    if (colourInput) {
      colourInput.addEventListener("input", () => outline.eachLayer((layer) => layer.setStyle(style())));
    }
    // Back from the server with the outline refused: show it, and leave the verdict to
    // the server's message below the map.
    const refused = document.getElementById("area-errors");
    if (!readOutline(true)) say(texts.empty, "");
    else if (refused) say("", "");
  }

  document.querySelectorAll("[data-zones-map]").forEach(listMap);
  document.querySelectorAll("[data-zone-draw]").forEach(drawMap);
})();
