// The live map's "New task" form, its place: a point (a click on the map, or typed
// coordinates, shown as a draggable marker) or an area (a polygon drawn with
// leaflet.draw's polygon tool, driven from the form's own buttons). Used by
// live_task_form.js, which is loaded after it.
window.LiveTaskPlace = (function () {
  "use strict";
  const { fill } = window.PortalText;

  // ---------------------------------------------------------------- the area
  // Corners by clicks; Finish (or a click on the first corner) closes the outline; its
  // corners can then be dragged. No toolbar on the map: the buttons are in the form,
  // beside the words that explain them.
  function areaDraft(map, box, words) {
    const drawButton = box.querySelector("[data-area-draw]");
    const undoButton = box.querySelector("[data-area-undo]");
    const finishButton = box.querySelector("[data-area-finish]");
    const clearButton = box.querySelector("[data-area-clear]");
    const status = box.querySelector("[data-area-status]");
    const style = { className: "live-area-draft", color: "#0b2545", weight: 3, dashArray: "6 5", fillColor: "#2563eb", fillOpacity: 0.15 };
    if (L.drawLocal) {
      L.drawLocal.draw.handlers.polygon.tooltip = { start: words.drawStart, cont: words.drawCont, end: words.drawEnd };
      L.drawLocal.draw.handlers.polyline.error = words.drawCrossing;
    }
    let drawer = null; // leaflet.draw's polygon handler while drawing
    let layer = null; // the finished outline
    let corners = 0;
    let shown = false;

    const say = (text) => (status.textContent = text || "");
    const drawing = () => Boolean(drawer && drawer.enabled());
    const cornersOf = (polygon) => polygon.getLatLngs()[0].length;
    function buttons() {
      drawButton.hidden = drawing() || Boolean(layer);
      undoButton.hidden = !drawing() || corners === 0;
      finishButton.hidden = !drawing() || corners < 3;
      clearButton.hidden = !layer && !(drawing() && corners > 0);
    }
    function describe() {
      say(layer ? fill(words.areaDrawn, { n: cornersOf(layer) }) : words.areaNone);
      buttons();
      box.dispatchEvent(new CustomEvent("area:change", { bubbles: true }));
    }
    function stop() {
      if (drawer) {
        const handler = drawer;
        drawer = null;
        handler.disable();
      }
    }
    function start() {
      clear();
      drawer = new L.Draw.Polygon(map, {
        allowIntersection: false,
        showArea: false,
        shapeOptions: style,
        drawError: { color: "#b42318", timeout: 2500 },
      });
      corners = 0;
      drawer.enable();
      say(words.drawStart);
      buttons();
    }
    function clear() {
      stop();
      if (layer) {
        if (layer.editing) layer.editing.disable();
        layer.remove();
        layer = null;
      }
      corners = 0;
      describe();
    }
    map.on(L.Draw.Event.DRAWVERTEX, (event) => {
      if (!drawer) return;
      corners = event.layers.getLayers().length;
      say(fill(words.areaDrawing, { n: corners }));
      buttons();
    });
    map.on(L.Draw.Event.CREATED, (event) => {
      if (!drawer) return;
      drawer = null; // leaflet.draw switches its handler off itself
      layer = event.layer;
      layer.setStyle(style);
      layer.addTo(map);
      if (layer.editing) {
        layer.editing.enable();
        layer.on("edit", describe);
      }
      describe();
    });
    // Escape, or a handler switched off by leaflet.draw: back to the state of the buttons.
    map.on(L.Draw.Event.DRAWSTOP, () => {
      if (drawer && !drawer.enabled()) drawer = null;
      if (!layer && shown) say(words.areaNone);
      buttons();
    });
    drawButton.addEventListener("click", start);
    undoButton.addEventListener("click", () => drawer && drawer.deleteLastVertex());
    finishButton.addEventListener("click", () => drawer && drawer.completeShape());
    clearButton.addEventListener("click", () => {
      clear();
      drawButton.focus();
    });

    return {
      // Shown when the form is on "Area"; a hidden outline stays, off the map.
      show() {
        shown = true;
        box.hidden = false;
        if (layer && !map.hasLayer(layer)) {
          layer.addTo(map);
          if (layer.editing) layer.editing.enable();
        }
        if (!layer) start();
        else describe();
      },
      hide() {
        shown = false;
        box.hidden = true;
        stop();
        if (layer) {
          if (layer.editing) layer.editing.disable();
          layer.remove();
        }
      },
      clear: clear,
      // An outline kept before (a task being edited), from its GeoJSON Polygon; shown
      // with draggable corners once the form is on "Area".
      load(geometry) {
        clear();
        const ring = geometry.coordinates[0].slice(0, -1).map(([lon, lat]) => [lat, lon]);
        layer = L.polygon(ring, style);
        if (layer.editing) layer.on("edit", describe);
        if (shown) {
          layer.addTo(map);
          if (layer.editing) layer.editing.enable();
        }
        describe();
      },
      geometry: () => (layer ? layer.toGeoJSON(6).geometry : null),
      focusTarget: () => [drawButton, finishButton, clearButton].find((button) => !button.hidden) || drawButton,
    };
  }

  // ---------------------------------------------------------------- the point
  function pointDraft(map, latInput, lonInput) {
    let marker = null;
    let shown = true;
    function place(lat, lon, pan) {
      const latlng = L.latLng(lat, lon);
      if (!marker) {
        marker = L.marker(latlng, {
          draggable: true,
          keyboard: false,
          icon: L.divIcon({ className: "live-task-marker", html: '<span class="live-task-icon live-task-icon--draft"></span>', iconSize: [22, 22], iconAnchor: [11, 11] }),
        });
        marker.on("dragend", () => {
          const moved = marker.getLatLng();
          latInput.value = moved.lat.toFixed(6);
          lonInput.value = moved.lng.toFixed(6);
        });
      } else {
        marker.setLatLng(latlng);
      }
      if (shown && !map.hasLayer(marker)) marker.addTo(map);
      if (pan && !map.getBounds().contains(latlng)) map.panTo(latlng);
    }
    [latInput, lonInput].forEach((input) =>
      input.addEventListener("input", () => {
        const lat = parseFloat(latInput.value);
        const lon = parseFloat(lonInput.value);
        if (Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) place(lat, lon, true);
      })
    );
    return {
      place: place,
      show() {
        shown = true;
        if (marker) marker.addTo(map);
      },
      hide() {
        shown = false;
        if (marker) marker.remove();
      },
      clear() {
        if (marker) marker.remove();
        marker = null;
      },
    };
  }

  return { areaDraft: areaDraft, pointDraft: pointDraft };
})();
