/*
 * ArmsTrace offline map: storage sites, quantity-distance (QD) circles and exposure points
 * on a Natural Earth country basemap. No tiles, no network beyond the same-origin basemap file.
 * Plain ES5, no build step; needs the vendored Leaflet (static/vendor/leaflet/leaflet.js).
 *
 * Usage: ArmsTraceMap.render("sites-map", data)  (see templates/web/map.html)
 *   data: object, or the id of a <script type="application/json"> element, or omitted
 *         (then read from the element with id "<elementId>-data").
 *   Schema: docs/decisions/0006-offline-map.md
 *
 * All text from data is inserted as text (textContent), never as HTML; `url` is only used as a
 * link href and only if it is relative or http(s).
 */
(function (window, document) {
  "use strict";

  var STATUS_COLOURS = {
    ok: "#2e7d32",
    warning: "#f0a000",
    alert: "#c62828",
    closed: "#757575"
  };
  var STATUS_ORDER = ["ok", "warning", "alert", "closed"];

  var KIND_COLOURS = {
    inhabited_building: "#ad1457",
    vulnerable_building: "#6a1b9a",
    public_traffic_route: "#e65100",
    process_building: "#1565c0"
  };
  var KIND_ORDER = ["inhabited_building", "vulnerable_building", "public_traffic_route", "process_building"];

  var POINT_COLOUR = "#37474f";
  var FLAGGED_COLOUR = "#d50000";

  var LAND_STYLE = { fillColor: "#e8e8e4", fillOpacity: 1, color: "#a8a8a0", weight: 0.7, opacity: 1 };
  var HIGHLIGHT_STYLE = { fillColor: "#d6d3c4", fillOpacity: 1, color: "#6d6a5c", weight: 1.4, opacity: 1 };

  /* Default (English) labels; override with data.labels or data-i18n-* attributes on the element. */
  var LABELS = {
    ok: "OK",
    warning: "Warning",
    alert: "Alert",
    closed: "Closed",
    inhabited_building: "Inhabited building distance",
    vulnerable_building: "Vulnerable building distance",
    public_traffic_route: "Public traffic route distance",
    process_building: "Process building distance",
    point: "Exposed location",
    flagged: "Exposed location inside a QD circle",
    accounted: "Accounted for",
    estimated: "Estimated holdings",
    open: "Open record",
    legend: "Legend",
    sites: "Storage sites",
    basemap_error: "Basemap could not be loaded."
  };

  var basemapCache = {};

  function has(obj, key) {
    return obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
  }

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function num(value) {
    var n = typeof value === "number" ? value : parseFloat(value);
    return isFinite(n) ? n : null;
  }

  function latLng(item) {
    var lat = num(item && item.lat);
    var lon = num(item && item.lon);
    if (lat === null || lon === null || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      return null;
    }
    return [lat, lon];
  }

  /* Only relative URLs and http(s) URLs become links; javascript:, data: etc. are dropped. */
  function safeHref(url) {
    var s = text(url).replace(/^\s+|\s+$/g, "");
    if (!s) {
      return null;
    }
    var scheme = /^([a-z][a-z0-9+.\-]*):/i.exec(s);
    if (scheme && !/^https?$/i.test(scheme[1])) {
      return null;
    }
    if (/[\u0000-\u001f]/.test(s)) {
      return null;
    }
    return s;
  }

  /* Leaflet's container is LTR; our own text boxes (popups, tooltips, legend) follow the page. */
  function pageDir() {
    var root = document.documentElement;
    return (root.getAttribute("dir") || (window.getComputedStyle && window.getComputedStyle(root).direction)) === "rtl"
      ? "rtl"
      : "ltr";
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined && content !== null) {
      node.textContent = text(content);
    }
    return node;
  }

  function formatNumber(n) {
    try {
      return Number(n).toLocaleString();
    } catch (e) {
      return String(n);
    }
  }

  function readLabels(container, data) {
    var labels = {};
    var key;
    for (key in LABELS) {
      if (has(LABELS, key)) {
        labels[key] = LABELS[key];
      }
    }
    // data-i18n-ok="..." , data-i18n-inhabited-building="..." (filled by the template's translations)
    var attrs = container.attributes;
    for (var i = 0; i < attrs.length; i++) {
      var m = /^data-i18n-(.+)$/.exec(attrs[i].name);
      if (m && attrs[i].value) {
        labels[m[1].replace(/-/g, "_")] = attrs[i].value;
      }
    }
    if (data && data.labels && typeof data.labels === "object") {
      for (key in data.labels) {
        if (has(data.labels, key) && data.labels[key]) {
          labels[key] = text(data.labels[key]);
        }
      }
    }
    return labels;
  }

  function readData(elementId, data) {
    if (data && typeof data === "object") {
      return data;
    }
    var id = typeof data === "string" ? data : elementId + "-data";
    var island = document.getElementById(id);
    if (!island) {
      return {};
    }
    try {
      return JSON.parse(island.textContent || "{}") || {};
    } catch (e) {
      if (window.console) {
        window.console.error("ArmsTraceMap: invalid JSON in #" + id, e);
      }
      return {};
    }
  }

  function loadBasemap(url) {
    if (!basemapCache[url]) {
      basemapCache[url] = window
        .fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        });
      basemapCache[url]["catch"](function () {
        delete basemapCache[url]; // allow a retry on the next render
      });
    }
    return basemapCache[url];
  }

  function sitePopup(site, labels) {
    var box = el("div", "at-map-popup");
    box.setAttribute("dir", pageDir());
    box.appendChild(el("strong", "at-map-popup__name", site.name || site.id));
    var status = has(STATUS_COLOURS, site.status) ? site.status : null;
    if (status) {
      var badge = el("span", "at-map-badge at-map-badge--" + status, labels[status]);
      box.appendChild(document.createTextNode(" "));
      box.appendChild(badge);
    }
    if (site.popup) {
      box.appendChild(el("p", "at-map-popup__text", site.popup));
    }
    var accounted = num(site.accounted);
    var estimated = num(site.estimated);
    if (accounted !== null || estimated !== null) {
      var dl = el("dl", "at-map-popup__figures");
      if (accounted !== null) {
        dl.appendChild(el("dt", null, labels.accounted));
        dl.appendChild(el("dd", null, formatNumber(accounted)));
      }
      if (estimated !== null) {
        dl.appendChild(el("dt", null, labels.estimated));
        dl.appendChild(el("dd", null, formatNumber(estimated)));
      }
      box.appendChild(dl);
    }
    var href = safeHref(site.url);
    if (href) {
      var link = el("a", "at-map-popup__link", labels.open);
      link.setAttribute("href", href);
      var p = el("p");
      p.appendChild(link);
      box.appendChild(p);
    }
    return box;
  }

  function tooltipContent(lines) {
    var box = el("div", "at-map-tooltip");
    box.setAttribute("dir", pageDir());
    for (var i = 0; i < lines.length; i++) {
      if (lines[i]) {
        box.appendChild(el(i === 0 ? "strong" : "div", null, lines[i]));
      }
    }
    return box;
  }

  /* Make an SVG path focusable and open its popup with Enter/Space. */
  function makeKeyboardAccessible(layer, label) {
    var node = layer.getElement && layer.getElement();
    if (!node) {
      return;
    }
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "button");
    node.setAttribute("aria-label", label);
    node.addEventListener("keydown", function (ev) {
      var key = ev.key || ev.keyCode;
      if (key === "Enter" || key === " " || key === "Spacebar" || key === 13 || key === 32) {
        ev.preventDefault();
        layer._atKeyboard = true;
        layer.openPopup();
      }
    });
  }

  function legendControl(labels, kinds, hasPoints, hasFlagged) {
    var Legend = window.L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var box = el("div", "at-map-legend leaflet-control");
        box.setAttribute("dir", pageDir());
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", labels.legend);
        box.appendChild(el("div", "at-map-legend__title", labels.sites));
        var list = el("ul", "at-map-legend__list");
        var i;
        for (i = 0; i < STATUS_ORDER.length; i++) {
          var s = STATUS_ORDER[i];
          var li = el("li");
          var sw = el("span", "at-map-legend__swatch at-map-legend__swatch--site");
          sw.style.backgroundColor = STATUS_COLOURS[s];
          li.appendChild(sw);
          li.appendChild(el("span", null, labels[s]));
          list.appendChild(li);
        }
        for (i = 0; i < KIND_ORDER.length; i++) {
          var k = KIND_ORDER[i];
          if (!kinds[k]) {
            continue;
          }
          var lk = el("li");
          var ring = el("span", "at-map-legend__swatch at-map-legend__swatch--circle");
          ring.style.borderColor = KIND_COLOURS[k];
          lk.appendChild(ring);
          lk.appendChild(el("span", null, labels[k]));
          list.appendChild(lk);
        }
        if (hasPoints) {
          var lp = el("li");
          var dot = el("span", "at-map-legend__swatch at-map-legend__swatch--point");
          dot.style.backgroundColor = POINT_COLOUR;
          lp.appendChild(dot);
          lp.appendChild(el("span", null, labels.point));
          list.appendChild(lp);
        }
        if (hasFlagged) {
          var lf = el("li");
          var fdot = el("span", "at-map-legend__swatch at-map-legend__swatch--point");
          fdot.style.backgroundColor = FLAGGED_COLOUR;
          lf.appendChild(fdot);
          lf.appendChild(el("span", null, labels.flagged));
          list.appendChild(lf);
        }
        box.appendChild(list);
        window.L.DomEvent.disableClickPropagation(box);
        window.L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    return new Legend();
  }

  function matchesHighlight(feature, wanted) {
    if (!wanted.length) {
      return false;
    }
    var name = text(feature.properties && feature.properties.name).toLowerCase();
    var id = text(feature.id);
    for (var i = 0; i < wanted.length; i++) {
      var w = text(wanted[i]).toLowerCase();
      if (w && (w === name || w === id || w.replace(/^0+/, "") === id.replace(/^0+/, ""))) {
        return true;
      }
    }
    return false;
  }

  function render(elementId, data) {
    var L = window.L;
    var container = typeof elementId === "string" ? document.getElementById(elementId) : elementId;
    if (!container) {
      throw new Error("ArmsTraceMap: no element #" + elementId);
    }
    if (!L) {
      throw new Error("ArmsTraceMap: Leaflet (vendor/leaflet/leaflet.js) is not loaded");
    }
    if (container._armsTraceMap) {
      return container._armsTraceMap; // rendered already
    }
    data = readData(container.id, data);
    var labels = readLabels(container, data);
    var sites = data.sites instanceof Array ? data.sites : [];
    var circles = data.circles instanceof Array ? data.circles : [];
    var points = data.points instanceof Array ? data.points : [];
    var lines = data.lines instanceof Array ? data.lines : [];
    var highlight = data.highlight instanceof Array ? data.highlight : data.highlight ? [data.highlight] : [];
    var basemapUrl = data.basemap || container.getAttribute("data-basemap");

    container.setAttribute("dir", "ltr");
    if (container.className.indexOf("at-map") === -1) {
      container.className += " at-map";
    }

    var map = L.map(container, {
      attributionControl: true,
      zoomControl: true,
      minZoom: 2,
      maxZoom: 18,
      worldCopyJump: false,
      maxBounds: [[-90, -220], [90, 220]],
      maxBoundsViscosity: 0.8,
      keyboard: true
    });
    container._armsTraceMap = map;
    L.control.scale({ imperial: false }).addTo(map);

    // Basemap below everything else (the tile pane's z-index; there are no tiles).
    map.createPane("atBasemap");
    map.getPane("atBasemap").style.zIndex = 200;
    map.getPane("atBasemap").style.pointerEvents = "none";
    var basemapRenderer = L.svg({ pane: "atBasemap", padding: 0.5 });

    var siteLayer = L.featureGroup().addTo(map);
    var circleLayer = L.featureGroup().addTo(map);
    var pointLayer = L.featureGroup().addTo(map);

    var kinds = {};
    var i;
    for (i = 0; i < circles.length; i++) {
      var c = circles[i];
      var cll = latLng(c);
      var radius = num(c.radius_m);
      if (!cll || radius === null || radius <= 0) {
        continue;
      }
      var kind = has(KIND_COLOURS, c.kind) ? c.kind : null;
      if (kind) {
        kinds[kind] = true;
      }
      var colour = kind ? KIND_COLOURS[kind] : "#455a64";
      var circle = L.circle(cll, {
        radius: radius,
        color: colour,
        weight: 2,
        opacity: 0.9,
        dashArray: "6 5",
        fillColor: colour,
        fillOpacity: 0.06,
        className: "at-qd at-qd--" + (kind || "other")
      });
      circle.bindTooltip(
        tooltipContent([c.label, kind ? labels[kind] : c.kind, formatNumber(Math.round(radius)) + " m"]),
        { sticky: true, direction: "top" }
      );
      circle.addTo(circleLayer);
    }

    var hasFlagged = false;
    var hasUnflagged = false;
    for (i = 0; i < points.length; i++) {
      var p = points[i];
      var pll = latLng(p);
      if (!pll) {
        continue;
      }
      var flagged = p.flagged === true;
      hasFlagged = hasFlagged || flagged;
      hasUnflagged = hasUnflagged || !flagged;
      var marker = L.circleMarker(pll, {
        radius: flagged ? 5 : 4,
        color: "#ffffff",
        weight: 1,
        fillColor: flagged ? FLAGGED_COLOUR : POINT_COLOUR,
        fillOpacity: 1,
        className: "at-point" + (flagged ? " at-point--flagged" : "")
      });
      marker.bindTooltip(
        tooltipContent([p.label, p.kind ? labels[p.kind] || p.kind : "", flagged ? labels.flagged : ""]),
        { direction: "top" }
      );
      marker.addTo(pointLayer);
    }

    // Flows (e.g. from a source stockpile to a seizure): {"from": [lat, lon], "to": [lat, lon], "label"}.
    for (i = 0; i < lines.length; i++) {
      var ln = lines[i];
      var a = ln.from instanceof Array ? latLng({ lat: ln.from[0], lon: ln.from[1] }) : null;
      var b = ln.to instanceof Array ? latLng({ lat: ln.to[0], lon: ln.to[1] }) : null;
      if (!a || !b) {
        continue;
      }
      var flow = L.polyline([a, b], { color: "#a86400", weight: 2, dashArray: "6 4", className: "at-flow" });
      flow.bindTooltip(tooltipContent([ln.label || ""]), { sticky: true });
      flow.addTo(pointLayer);
      L.circleMarker(b, { radius: 3, color: "#a86400", fillOpacity: 1, className: "at-flow-end" }).addTo(pointLayer);
    }

    var siteMarkers = [];
    for (i = 0; i < sites.length; i++) {
      var s = sites[i];
      var sll = latLng(s);
      if (!sll) {
        continue;
      }
      var status = has(STATUS_COLOURS, s.status) ? s.status : "closed";
      var sm = L.circleMarker(sll, {
        radius: 8,
        color: "#ffffff",
        weight: 2,
        fillColor: STATUS_COLOURS[status],
        fillOpacity: 0.95,
        className: "at-site at-site--" + status
      });
      sm.bindPopup(sitePopup(s, labels), { autoPanPadding: [24, 24], maxWidth: 280 });
      sm.bindTooltip(tooltipContent([s.name || s.id]), { direction: "top", offset: [0, -8] });
      // The SVG path exists only once the map has a view, hence on "add".
      sm.once("add", makeKeyboardAccessible.bind(null, sm, text(s.name || s.id) + " (" + labels[status] + ")"));
      sm.addTo(siteLayer);
      siteMarkers.push(sm);
    }

    // Keyboard users: move focus into the popup, and back to the marker when it closes.
    map.on("popupopen", function (ev) {
      var source = ev.popup._source;
      if (source && source._atKeyboard) {
        var link = ev.popup.getElement() && ev.popup.getElement().querySelector("a.at-map-popup__link, a");
        if (link) {
          link.focus();
        }
      }
    });
    map.on("popupclose", function (ev) {
      var source = ev.popup._source;
      if (source && source._atKeyboard) {
        source._atKeyboard = false;
        var node = source.getElement && source.getElement();
        if (node) {
          node.focus();
        }
      }
    });

    legendControl(labels, kinds, hasUnflagged, hasFlagged).addTo(map);

    // Initial view: explicit center, else the sites, else circles/points, else highlighted countries.
    var center = data.center instanceof Array && data.center.length === 2 ? latLng({ lat: data.center[0], lon: data.center[1] }) : null;
    var zoom = num(data.zoom);
    var viewSet = false;
    if (center) {
      map.setView(center, zoom !== null ? zoom : 6);
      viewSet = true;
    } else {
      var bounds = siteLayer.getBounds();
      if (!bounds.isValid()) {
        bounds = L.latLngBounds([]);
        if (circleLayer.getLayers().length) {
          map.setView([0, 0], 2); // circle bounds need a map projection
          bounds.extend(circleLayer.getBounds());
        }
        if (pointLayer.getLayers().length) {
          bounds.extend(pointLayer.getBounds());
        }
      }
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [32, 32], maxZoom: zoom !== null ? zoom : 12 });
        viewSet = true;
      } else {
        map.setView([15, 10], zoom !== null ? zoom : 3);
      }
    }

    if (basemapUrl && window.fetch) {
      container.setAttribute("data-basemap-state", "loading");
      loadBasemap(basemapUrl).then(
        function (geojson) {
          var highlighted = L.latLngBounds([]);
          var layer = L.geoJSON(geojson, {
            pane: "atBasemap",
            renderer: basemapRenderer,
            interactive: false,
            smoothFactor: 1.2,
            attribution: "Natural Earth",
            style: function (feature) {
              return matchesHighlight(feature, highlight) ? HIGHLIGHT_STYLE : LAND_STYLE;
            },
            onEachFeature: function (feature, lyr) {
              if (matchesHighlight(feature, highlight)) {
                highlighted.extend(lyr.getBounds());
              }
            }
          });
          layer.addTo(map);
          if (!viewSet && highlighted.isValid()) {
            map.fitBounds(highlighted, { padding: [16, 16] });
          }
          container.setAttribute("data-basemap-state", "loaded");
        },
        function (err) {
          container.setAttribute("data-basemap-state", "error");
          container.setAttribute("title", labels.basemap_error);
          if (window.console) {
            window.console.warn("ArmsTraceMap: basemap " + basemapUrl + " not loaded:", err);
          }
        }
      );
    }

    map.armsTrace = { sites: siteLayer, circles: circleLayer, points: pointLayer, markers: siteMarkers };
    return map;
  }

  window.ArmsTraceMap = {
    render: render,
    readData: readData,
    statusColours: STATUS_COLOURS,
    kindColours: KIND_COLOURS,
    labels: LABELS
  };
})(window, document);
