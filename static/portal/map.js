// Shared map set-up: our own reference layers always; under them the agency's tile
// server when one is configured (MAP_TILE_URL), else the portal's own offline base map
// (OpenStreetMap and Natural Earth, served per tile by /api/v1/basemap/, drawn here on
// canvas); and a map that picks one point for a form. Needs Leaflet and portal/text.js
// (loaded by base.html).
window.PortalMap = (function () {
  "use strict";
  const LITHUANIA = [[53.85, 20.9], [56.45, 26.9]];
  const { text } = window.PortalText;
  const maps = {};

  // ------------------------------------------------------------------ the base map
  const BASEMAP_ATTRIBUTION =
    '<a href="https://www.openstreetmap.org/copyright">\u00a9 OpenStreetMap contributors</a>, ' +
    '<a href="https://www.naturalearthdata.com">Natural Earth</a>';
  // Quiet colours: pale land, blue water, grey roads, under our own brighter layers.
  const STYLE = {
    land: "#f4f2ec",
    sea: "#b7d0e6",
    water: "#bcd4e9",
    builtup: "#e7e1d6",
    river: "#9fc1df",
    rail: "#9aa0a8",
    road: { motorway: "#8d949e", trunk: "#9ea4ad", primary: "#b1b6bd", secondary: "#c9ccd1" },
    label: { city: "#1f2933", major: "#1f2933", town: "#323f4b", village: "#52606d" },
  };
  function roadWidth(kind, zoom) {
    const base = { motorway: 2.2, trunk: 1.9, primary: 1.5, secondary: 1.1 }[kind] || 1;
    return base * Math.max(0.6, Math.min(2.4, (zoom - 5) / 5));
  }
  function labelFont(kind, zoom) {
    if (kind === "city" || kind === "major") return "600 " + (zoom >= 10 ? 14 : 13) + "px system-ui, sans-serif";
    if (kind === "town") return "500 12px system-ui, sans-serif";
    return "11px system-ui, sans-serif";
  }

  function tracePath(context, geometry, scale) {
    const ring = (points) => {
      points.forEach((point, index) => {
        const x = point[0] * scale;
        const y = point[1] * scale;
        if (index === 0) context.moveTo(x, y);
        else context.lineTo(x, y);
      });
    };
    const { type, coordinates } = geometry;
    if (type === "LineString") ring(coordinates);
    else if (type === "MultiLineString" || type === "Polygon") coordinates.forEach(ring);
    else if (type === "MultiPolygon") coordinates.forEach((polygon) => polygon.forEach(ring));
  }

  function drawTile(canvas, size, data, zoom) {
    const ratio = window.devicePixelRatio || 1;
    const context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const scale = size / (data.extent || 512);
    context.fillStyle = STYLE.land;
    context.fillRect(0, 0, size, size);
    context.lineJoin = "round";
    context.lineCap = "round";
    const labels = [];
    data.features.forEach(([layer, kind, name, geometry]) => {
      if (layer === "place") {
        if (name) labels.push([kind, name, geometry]);
        return;
      }
      context.beginPath();
      tracePath(context, geometry, scale);
      if (layer === "sea" || layer === "water" || layer === "builtup") {
        context.fillStyle = STYLE[layer];
        context.fill("evenodd");
      } else if (layer === "river") {
        context.strokeStyle = STYLE.river;
        context.lineWidth = kind === "major" ? 1.4 : zoom >= 12 ? 2 : 1.2;
        context.stroke();
      } else if (layer === "rail") {
        context.strokeStyle = STYLE.rail;
        context.lineWidth = 1;
        context.setLineDash([4, 3]);
        context.stroke();
        context.setLineDash([]);
      } else if (layer === "road") {
        context.strokeStyle = STYLE.road[kind] || STYLE.road.secondary;
        context.lineWidth = roadWidth(kind, zoom);
        context.stroke();
      }
    });
    // Names last, most important first; one that would cover a name already placed
    // is left out. Tiles draw the names of places just beyond their edge too, so that
    // a name across the edge is whole.
    const placed = [];
    context.textAlign = "center";
    context.textBaseline = "middle";
    context.lineJoin = "round";
    labels.forEach(([kind, name, geometry]) => {
      if (geometry.type !== "Point") return;
      const x = geometry.coordinates[0] * scale;
      const y = geometry.coordinates[1] * scale;
      context.font = labelFont(kind, zoom);
      const width = context.measureText(name).width;
      const box = [x - width / 2 - 2, y - 10, x + width / 2 + 2, y + 8];
      if (placed.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) return;
      placed.push(box);
      context.lineWidth = 3;
      context.strokeStyle = "rgba(255, 255, 255, 0.9)";
      context.strokeText(name, x, y);
      context.fillStyle = STYLE.label[kind] || STYLE.label.village;
      context.fillText(name, x, y);
    });
    canvas.dataset.features = String(data.features.length);
  }

  const BaseMap = L.GridLayer.extend({
    createTile: function (coords, done) {
      const size = this.getTileSize();
      const ratio = window.devicePixelRatio || 1;
      const tile = document.createElement("canvas");
      tile.width = size.x * ratio;
      tile.height = size.y * ratio;
      tile.className = "basemap-tile";
      tile.dataset.z = String(coords.z);
      const url = L.Util.template(this.options.url, { z: coords.z, x: coords.x, y: coords.y });
      window.PortalHttp.getJson(url)
        .then((data) => {
          drawTile(tile, size.x, data, coords.z);
          done(null, tile);
        })
        .catch((error) => done(error, tile));
      return tile;
    },
  });

  // Returns whether the portal's own base map is drawn.
  function addBaseLayer(map, element) {
    const tiles = element.dataset.tileUrl;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
      return false;
    }
    const meta = document.querySelector("meta[name=portal-basemap]");
    if (meta && meta.content) {
      new BaseMap({ url: meta.content, maxZoom: 19, attribution: BASEMAP_ATTRIBUTION }).addTo(map);
      element.classList.add("map--basemap");
      return true;
    }
    element.classList.add("map--offline");
    return false;
  }

  // ------------------------------------------------------------------ the legend
  // The page's legend (templates/portal/_map_legend.html, id "<map id>-legend") goes on
  // the map: open bottom left on a large map of a wide screen; elsewhere (a phone, a
  // small map that picks a point, whose middle must stay free for a click) folded, top
  // right, clear of the attribution. The base map's entries show only where it is drawn.
  const WIDE = "(min-width: 761px)";
  const LARGE_MAP_PX = 380;
  function addLegend(map, element, basemap) {
    const legend = element.id ? document.getElementById(element.id + "-legend") : null;
    if (!legend) return;
    legend.open = window.matchMedia(WIDE).matches && element.clientHeight >= LARGE_MAP_PX;
    legend.querySelectorAll("[data-legend-basemap]").forEach((item) => (item.hidden = !basemap));
    const Legend = L.Control.extend({
      options: { position: legend.open ? "bottomleft" : "topright" },
      onAdd: function () {
        const box = L.DomUtil.create("div", "map-legend-control");
        box.appendChild(legend);
        // A tap on the legend is not a tap on the map (a point picker would move).
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    map.addControl(new Legend());
    keepFitsClearOf(map, legend);
  }

  // Every fitBounds of a map with a legend (ours at load, the page's own when its data
  // comes) frames what it fits in the part of the map the legend leaves free: the
  // legend's side of the map is padded by its size, along the edge that costs the map
  // less of its area (below an open legend at the bottom left, or right of it), so that
  // no marker starts under it.
  const LEGEND_MARGIN_PX = 12;
  const LEAST_FREE_PX = 120;
  function legendPadding(map, legend) {
    const frame = map.getContainer().getBoundingClientRect();
    const box = (legend.closest(".leaflet-control") || legend).getBoundingClientRect();
    if (!frame.width || !frame.height || !box.width || !box.height) return null;
    const bottom = box.bottom > frame.top + frame.height / 2;
    const left = box.left < frame.left + frame.width / 2;
    const high = (bottom ? frame.bottom - box.top : box.bottom - frame.top) + LEGEND_MARGIN_PX;
    const wide = (left ? box.right - frame.left : frame.right - box.left) + LEGEND_MARGIN_PX;
    const freeBelowOrAbove = frame.height - high;
    const freeBeside = frame.width - wide;
    const heightFits = freeBelowOrAbove >= LEAST_FREE_PX;
    const widthFits = freeBeside >= LEAST_FREE_PX;
    if (!heightFits && !widthFits) return null; // too small a map to pad: as it was
    const byHeight = heightFits && (!widthFits || high * frame.width <= wide * frame.height);
    const pad = { top: 0, right: 0, bottom: 0, left: 0 };
    if (byHeight) pad[bottom ? "bottom" : "top"] = high;
    else pad[left ? "left" : "right"] = wide;
    return pad;
  }
  function keepFitsClearOf(map, legend) {
    const fitBounds = map.fitBounds;
    map.fitBounds = function (bounds, options) {
      const opts = Object.assign({}, options || {});
      const pad = legendPadding(map, legend);
      if (pad) {
        const topLeft = L.point(opts.paddingTopLeft || opts.padding || [0, 0]);
        const bottomRight = L.point(opts.paddingBottomRight || opts.padding || [0, 0]);
        opts.paddingTopLeft = [topLeft.x + pad.left, topLeft.y + pad.top];
        opts.paddingBottomRight = [bottomRight.x + pad.right, bottomRight.y + pad.bottom];
        delete opts.padding;
      }
      return fitBounds.call(map, bounds, opts);
    };
  }

  function create(element, options) {
    const map = L.map(element, Object.assign({ zoomSnap: 0.5, attributionControl: true }, options || {}));
    // Leaflet's own credit, without its English tooltip on pages in Lithuanian.
    if (map.attributionControl) map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    const basemap = addBaseLayer(map, element);
    addLegend(map, element, basemap);
    // The zoom, for styles and tests that look at the map from outside.
    // Each map by its element's id, for the page's other scripts and the browser tests.
    if (element.id) maps[element.id] = map;
    const noteZoom = () => (element.dataset.zoom = String(map.getZoom()));
    map.on("zoomend", noteZoom);
    map.fitBounds(LITHUANIA);
    noteZoom();
    if (element.dataset.layersUrl) loadReferenceLayers(map, element.dataset.layersUrl, basemap);
    return map;
  }

  function loadReferenceLayers(map, url, basemap) {
    window.PortalHttp.getJson(url)
      .then((layers) => {
        if (!layers) return;
        // Also announced to the page (by key), e.g. for a layer control of its own.
        const added = {};
        if (layers.operational_area) {
          added.operational_area = L.geoJSON(layers.operational_area, {
            style: { color: "#1d4ed8", weight: 1, fillColor: "#1d4ed8", fillOpacity: 0.04, dashArray: "4 4" },
            interactive: false,
          }).addTo(map);
        }
        if (layers.countries) {
          added.countries = L.geoJSON(layers.countries, {
            // Over the base map an outline only: the grey fill would hide its land.
            style: { color: "#94a3b8", weight: 1, fillColor: "#e2e8f0", fillOpacity: basemap ? 0 : 0.35 },
            interactive: false,
          }).addTo(map);
        }
        if (layers.borders) {
          added.borders = L.geoJSON(layers.borders, {
            style: (feature) => ({
              color: feature.properties.is_external ? "#b42318" : "#475569",
              weight: feature.properties.is_external ? 3 : 1.5,
            }),
            interactive: false,
          }).addTo(map);
        }
        if (layers.crossing_points) {
          added.crossing_points = L.geoJSON(layers.crossing_points, {
            pointToLayer: (feature, latlng) =>
              L.circleMarker(latlng, { radius: 5, color: "#0b2545", weight: 2, fillColor: "#f5c542", fillOpacity: 1 }),
            // A string tooltip goes in as HTML: the name goes in as text.
            onEachFeature: (feature, layer) => layer.bindTooltip(text(feature.properties.name)),
          }).addTo(map);
        }
        map.fire("portal:referencelayers", { layers: added });
      })
      .catch(() => {});
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
    const map = create(element);
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

  return { create: create, pointPicker: pointPicker, maps: maps };
})();
