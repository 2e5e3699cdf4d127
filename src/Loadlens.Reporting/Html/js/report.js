/* Loadlens report.html: draws the charts described in the page's JSON data block with uPlot, and makes the
 * tables sortable. It knows chart shapes (ChartSpec in src/Loadlens.Reporting/Html/ChartSpec.cs), not runs or
 * sweeps: "line" (series over a numeric x, shared or aligned, with shaded bands, reference marks, toggles) and
 * "bars" (grouped bars per category with confidence-interval whiskers). Text from the data is only ever set
 * with textContent, never parsed as HTML. */
(function () {
  'use strict';

  var dataElement = document.getElementById('loadlens-data');
  var data = dataElement ? JSON.parse(dataElement.textContent) : { charts: {} };
  var charts = {};
  // For tests and the curious: the uPlot instance of each chart by id.
  window.loadlensCharts = charts;

  var DASHES = [[], [7, 4], [2, 3], [10, 3, 2, 3]];

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue('--' + name).trim() || '#888';
  }

  function colour(name) {
    return cssVar(name || 'c0');
  }

  function withAlpha(hex, alpha) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex);
    if (!m) {
      return hex;
    }
    var n = parseInt(m[1], 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }

  // ---- number formatting ------------------------------------------------------------------------------------

  function num(v) {
    if (v === null || v === undefined || !isFinite(v)) {
      return '–';
    }
    var a = Math.abs(v);
    if (a >= 1000) {
      return Math.round(v).toLocaleString('en-US');
    }
    if (a >= 10) {
      return v.toFixed(1);
    }
    if (a >= 0.1 || a === 0) {
      return v.toFixed(2);
    }
    return v.toPrecision(2);
  }

  // Axis ticks: as few digits as the tick needs ("800", "0.25", "1,000").
  function tick(v) {
    if (v === null || v === undefined || !isFinite(v)) {
      return '';
    }
    return (+v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 });
  }

  function withUnit(v, unit) {
    var text = num(v);
    return text === '–' || !unit ? text : text + ' ' + unit;
  }

  function elapsed(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) {
      return '–';
    }
    var s = Math.max(0, seconds);
    var m = Math.floor(s / 60);
    var rest = s - (m * 60);
    var secText = rest < 10 ? '0' + rest.toFixed(rest % 1 === 0 ? 0 : 1) : rest.toFixed(rest % 1 === 0 ? 0 : 1);
    return m + ':' + secText;
  }

  // x = 1 / (1 - p): 1 → 0 %, 10 → 90 %, 100 → 99 %, 1000 → 99.9 %.
  function percentile(x) {
    if (x === null || x === undefined || !isFinite(x) || x < 1) {
      return '–';
    }
    var p = 100 * (1 - (1 / x));
    var digits = Math.max(0, Math.min(6, Math.ceil(Math.log10(x)) - 2));
    var text = p.toFixed(digits);
    return text + ' %';
  }

  function xText(axis, v) {
    if (axis.scale === 'elapsed') {
      return elapsed(v) + ' (' + num(v) + ' s)';
    }
    if (axis.scale === 'percentile') {
      return percentile(v);
    }
    return withUnit(v, axis.unit);
  }

  // ---- toggles and hover readout ----------------------------------------------------------------------------

  function toggles(spec, holder, onChange, existing, onLog) {
    var bar = el('div', 'toggles');
    var state = { groups: {}, variants: {}, log: false };
    var groups = [];
    var variants = [];
    spec.series.forEach(function (s) {
      if (spec.groupLabel && s.group !== undefined && groups.indexOf(s.group) < 0) {
        groups.push(s.group);
        state.groups[s.group] = false;
      }
      if (spec.groupLabel && s.variant !== undefined && variants.indexOf(s.variant) < 0) {
        variants.push(s.variant);
        state.variants[s.variant] = true;
      }
    });
    spec.series.forEach(function (s) {
      if (spec.groupLabel && s.group !== undefined && s.shown !== false) {
        state.groups[s.group] = true;
      }
    });
    if (existing) {
      state = existing;
    }

    function chip(label, colourName, pressed, dash, onClick, kind) {
      var b = el('button', 'chip');
      b.type = 'button';
      b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
      b.dataset.kind = kind;
      var sw = el('span', 'swatch');
      if (colourName) {
        sw.style.background = colour(colourName);
      }
      if (dash) {
        sw.classList.add('dash-' + dash);
      }
      b.appendChild(sw);
      b.appendChild(el('span', 'chip-label', label));
      b.addEventListener('click', function () {
        var now = b.getAttribute('aria-pressed') !== 'true';
        b.setAttribute('aria-pressed', now ? 'true' : 'false');
        onClick(now);
      });
      return b;
    }

    if (spec.groupLabel && groups.length > 0) {
      if (variants.length > 1) {
        var vrow = el('div', 'toggle-row');
        vrow.appendChild(el('span', 'toggle-label', 'percentile'));
        variants.forEach(function (v, i) {
          vrow.appendChild(chip(v, 'fg', state.variants[v] !== false, i, function (on) {
            state.variants[v] = on;
            onChange(state);
          }, 'variant'));
        });
        bar.appendChild(vrow);
      }
      var grow = el('div', 'toggle-row');
      grow.appendChild(el('span', 'toggle-label', spec.groupLabel));
      groups.forEach(function (g) {
        var first = spec.series.filter(function (s) { return s.group === g; })[0];
        var b = chip(g, first.color, state.groups[g], null, function (on) {
          state.groups[g] = on;
          onChange(state);
        }, 'group');
        b.dataset.group = g;
        grow.appendChild(b);
      });
      if (groups.length > 3) {
        ['all', 'none'].forEach(function (which) {
          var b = el('button', 'chip chip-all', which);
          b.type = 'button';
          b.addEventListener('click', function () {
            groups.forEach(function (g) { state.groups[g] = which === 'all'; });
            grow.querySelectorAll('button[data-kind="group"]').forEach(function (c) {
              c.setAttribute('aria-pressed', which === 'all' ? 'true' : 'false');
            });
            onChange(state);
          });
          grow.appendChild(b);
        });
      }
      bar.appendChild(grow);
    } else {
      var row = el('div', 'toggle-row');
      spec.series.forEach(function (s, i) {
        var styleDash = s.style === 'dashed' ? 1 : null;
        var b = chip(s.label, s.color, visible(spec, state, s, i), styleDash, function (on) {
          state.series = state.series || {};
          state.series[i] = on;
          onChange(state);
        }, 'series');
        b.dataset.series = String(i);
        row.appendChild(b);
      });
      bar.appendChild(row);
    }
    if (spec.logToggle) {
      var lrow = bar.lastChild || bar.appendChild(el('div', 'toggle-row'));
      var lb = el('button', 'chip chip-log', 'log scale');
      lb.type = 'button';
      lb.dataset.kind = 'log';
      lb.setAttribute('aria-pressed', state.log ? 'true' : 'false');
      lb.title = 'Logarithmic y axis: keeps a spike from flattening the rest';
      lb.addEventListener('click', function () {
        state.log = !state.log;
        onLog(state);
      });
      lrow.appendChild(lb);
    }
    holder.appendChild(bar);
    return state;
  }

  function visible(spec, state, s, i) {
    if (spec.groupLabel && s.group !== undefined) {
      return state.groups[s.group] !== false && (s.variant === undefined || state.variants[s.variant] !== false);
    }
    if (state.series && state.series[i] !== undefined) {
      return state.series[i];
    }
    return s.shown !== false;
  }

  function readout(holder) {
    var box = el('div', 'readout');
    box.setAttribute('aria-live', 'off');
    box.appendChild(el('span', 'readout-hint', 'Hover over the chart for exact values.'));
    holder.appendChild(box);
    return box;
  }

  function showReadout(box, spec, u, xLabel) {
    var idx = u.cursor.idx;
    box.textContent = '';
    if (idx === null || idx === undefined) {
      box.appendChild(el('span', 'readout-hint', 'Hover over the chart for exact values.'));
      return;
    }
    box.appendChild(el('span', 'readout-x', xLabel(u.data[0][idx], idx)));
    for (var i = 1; i < u.series.length; i++) {
      var s = u.series[i];
      var v = u.data[i][idx];
      if (!s.show || v === null || v === undefined) {
        continue;
      }
      var item = el('span', 'readout-item');
      var sw = el('span', 'swatch');
      sw.style.background = s._colour;
      item.appendChild(sw);
      item.appendChild(el('span', 'readout-label', s.label));
      var axis = s.scale === 'y2' ? spec.y2 : spec.y;
      var value = el('span', 'readout-value', withUnit(v, axis.unit));
      var spec_s = spec.series[i - 1];
      if (spec_s && spec_s.low && spec_s.high) {
        value.textContent += ' [' + num(spec_s.low[idx]) + ', ' + num(spec_s.high[idx]) + ']';
      }
      item.appendChild(value);
      box.appendChild(item);
    }
  }

  // ---- drawing helpers: bands, marks, whiskers ----------------------------------------------------------------

  function drawBands(spec) {
    return function (u) {
      if (!spec.bands || spec.bands.length === 0) {
        return;
      }
      var ctx = u.ctx;
      ctx.save();
      spec.bands.forEach(function (b) {
        var x0 = u.valToPos(b.from, 'x', true);
        var x1 = u.valToPos(b.to, 'x', true);
        var left = Math.max(u.bbox.left, Math.min(x0, x1));
        var right = Math.min(u.bbox.left + u.bbox.width, Math.max(x0, x1));
        if (right <= left) {
          return;
        }
        ctx.fillStyle = cssVar('band');
        ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
        ctx.fillStyle = cssVar('muted');
        ctx.font = (11 * devicePixelRatio) + 'px system-ui, sans-serif';
        ctx.textBaseline = 'top';
        ctx.fillText(b.label, left + (4 * devicePixelRatio), u.bbox.top + (4 * devicePixelRatio));
      });
      ctx.restore();
    };
  }

  function drawMarks(spec) {
    return function (u) {
      if (!spec.marks || spec.marks.length === 0) {
        return;
      }
      var ctx = u.ctx;
      var dpr = devicePixelRatio;
      ctx.save();
      ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
      spec.marks.forEach(function (m, i) {
        ctx.strokeStyle = colour(m.color);
        ctx.fillStyle = colour(m.color);
        ctx.lineWidth = 1.5 * dpr;
        ctx.setLineDash([5 * dpr, 4 * dpr]);
        ctx.beginPath();
        if (m.axis === 'x') {
          var x = u.valToPos(m.value, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
            return;
          }
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.textBaseline = 'top';
          ctx.fillText(m.label, x + (4 * dpr), u.bbox.top + ((4 + (14 * i)) * dpr));
        } else {
          var y = u.valToPos(m.value, 'y', true);
          if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) {
            return;
          }
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
          ctx.textBaseline = 'bottom';
          ctx.textAlign = 'right';
          ctx.fillText(m.label, u.bbox.left + u.bbox.width - (6 * dpr), y - (3 * dpr));
          ctx.textAlign = 'left';
        }
      });
      ctx.restore();
    };
  }

  // ---- line charts ------------------------------------------------------------------------------------------

  function lineData(spec) {
    if (spec.xs) {
      return [spec.xs].concat(spec.series.map(function (s) { return s.y; }));
    }
    // Series with their own x: align them on the union of their x values (uPlot.join), gaps elsewhere.
    var tables = spec.series.map(function (s) { return [s.x, s.y]; });
    return uPlot.join(tables);
  }

  function scaleOf(axis) {
    var log = axis.scale === 'log' || axis.scale === 'percentile';
    return log ? { distr: 3, log: 10 } : {};
  }

  function axisOf(axis, side, isX) {
    var a = {
      label: axis.label,
      stroke: cssVar('fg'),
      grid: { stroke: cssVar('grid'), width: 1 },
      ticks: { stroke: cssVar('grid'), width: 1 },
      labelFont: '600 12px system-ui, sans-serif',
      font: '11px system-ui, sans-serif',
    };
    if (side) {
      a.side = side;
      a.grid = { show: false };
      a.scale = 'y2';
    }
    if (isX && axis.scale === 'elapsed') {
      a.incrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
      a.space = 60;
      a.values = function (u, splits) { return splits.map(elapsed); };
    } else if (isX && axis.scale === 'percentile') {
      a.splits = function (u, axisIdx, min, max) {
        var out = [];
        for (var v = 1; v <= max * 1.0001; v *= 10) {
          if (v >= min / 1.0001) {
            out.push(v);
          }
        }
        return out;
      };
      a.values = function (u, splits) { return splits.map(percentile); };
    } else if (isX && axis.unit === 'users') {
      a.incrs = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000];
    } else if (!isX) {
      a.values = function (u, splits) { return splits.map(tick); };
      a.size = 56;
    }
    return a;
  }

  function seriesOf(spec, s, i, state) {
    var c = colour(s.color);
    var o = {
      label: s.label,
      scale: s.axis === 'y2' ? 'y2' : 'y',
      stroke: c,
      width: 2,
      show: visible(spec, state, s, i),
      spanGaps: s.style === 'points' || s.style === 'linepoints' || !spec.xs,
      points: { show: s.style === 'points' || s.style === 'linepoints', size: s.style === 'points' ? 10 : 6, fill: c, stroke: c },
    };
    o._colour = c;
    if (s.style === 'points') {
      o.paths = function () { return null; };
    }
    if (s.style === 'dashed') {
      o.dash = [7, 4];
    }
    if (s.style === 'area') {
      o.fill = withAlpha(c, 0.16);
    }
    if (s.style === 'step' && uPlot.paths && uPlot.paths.stepped) {
      o.paths = uPlot.paths.stepped({ align: 1 });
      o.width = 1.5;
    }
    if (s.variant !== undefined && spec.groupLabel) {
      var variants = [];
      spec.series.forEach(function (x) { if (x.variant !== undefined && variants.indexOf(x.variant) < 0) { variants.push(x.variant); } });
      o.dash = DASHES[variants.indexOf(s.variant) % DASHES.length];
      o.width = variants.indexOf(s.variant) === 0 ? 2 : 1.5;
    }
    return o;
  }

  function lineChart(id, spec, holder, width) {
    var state;
    var u;
    state = toggles(spec, holder, function (st) {
      u.batch(function () {
        spec.series.forEach(function (s, i) {
          u.setSeries(i + 1, { show: visible(spec, st, s, i) });
        });
      });
    }, holder._loadlensState, function (st) {
      holder._loadlensState = st;
      buildOne(holder);
    });
    holder._loadlensState = state;
    var yAxisSpec = state.log ? Object.assign({}, spec.y, { scale: 'log' }) : spec.y;
    var plotBox = el('div', 'plot');
    holder.appendChild(plotBox);
    var box = readout(holder);
    var linearMin = spec.xs || spec.x.scale !== 'linear' ? {} : { range: function (u, min, max) { return [Math.min(0, min), max * 1.05 || 1]; } };
    var scales = { x: Object.assign({ time: false }, scaleOf(spec.x), linearMin) };
    scales.y = Object.assign({}, scaleOf(yAxisSpec), yAxisSpec.scale === 'log' ? {} : { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } });
    var axes = [axisOf(spec.x, 0, true), axisOf(yAxisSpec, 0, false)];
    if (spec.y2) {
      scales.y2 = { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } };
      axes.push(axisOf(spec.y2, 1, false));
    }
    var opts = {
      width: width,
      height: 300,
      scales: scales,
      axes: axes,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      series: [{ label: spec.x.label }].concat(spec.series.map(function (s, i) { return seriesOf(spec, s, i, state); })),
      hooks: {
        drawClear: [drawBands(spec)],
        draw: [drawMarks(spec)],
        setCursor: [function (uu) {
          showReadout(box, spec, uu, function (x) { return xText(spec.x, x); });
        }],
      },
    };
    u = new uPlot(opts, lineData(spec), plotBox);
    return u;
  }

  // ---- bar charts with whiskers -----------------------------------------------------------------------------

  function barChart(id, spec, holder, width) {
    var state;
    var u;
    var n = spec.categories.length;
    var m = spec.series.length;
    state = toggles(spec, holder, function (st) {
      u.batch(function () {
        spec.series.forEach(function (s, i) { u.setSeries(i + 1, { show: visible(spec, st, s, i) }); });
      });
    }, holder._loadlensState, function () {});
    holder._loadlensState = state;
    var plotBox = el('div', 'plot');
    holder.appendChild(plotBox);
    var box = readout(holder);
    var xs = spec.categories.map(function (c, i) { return i; });
    var maxHigh = 0;
    spec.series.forEach(function (s) {
      (s.high || s.y).forEach(function (v) { if (v !== null && v > maxHigh) { maxHigh = v; } });
      s.y.forEach(function (v) { if (v !== null && v > maxHigh) { maxHigh = v; } });
    });

    function drawBars(uu) {
      var ctx = uu.ctx;
      var dpr = devicePixelRatio;
      var slot = (uu.valToPos(1, 'x', true) - uu.valToPos(0, 'x', true));
      var shown = [];
      uu.series.forEach(function (s, i) { if (i > 0 && s.show) { shown.push(i - 1); } });
      var barW = (slot * 0.7) / Math.max(1, shown.length);
      ctx.save();
      shown.forEach(function (si, k) {
        var s = spec.series[si];
        var c = colour(s.color || ('c' + si));
        for (var i = 0; i < n; i++) {
          var v = s.y[i];
          if (v === null || v === undefined) {
            continue;
          }
          var cx = uu.valToPos(i, 'x', true) - (slot * 0.35) + (barW * k);
          var y0 = uu.valToPos(0, 'y', true);
          var y1 = uu.valToPos(v, 'y', true);
          ctx.fillStyle = withAlpha(c, 0.75);
          ctx.fillRect(cx + (1 * dpr), Math.min(y0, y1), barW - (2 * dpr), Math.abs(y0 - y1));
          if (s.low && s.high && s.low[i] !== null && s.high[i] !== null) {
            var mid = cx + (barW / 2);
            var yl = uu.valToPos(s.low[i], 'y', true);
            var yh = uu.valToPos(s.high[i], 'y', true);
            ctx.strokeStyle = cssVar('fg');
            ctx.lineWidth = 1.5 * dpr;
            ctx.beginPath();
            ctx.moveTo(mid, yl);
            ctx.lineTo(mid, yh);
            ctx.moveTo(mid - (barW * 0.2), yl);
            ctx.lineTo(mid + (barW * 0.2), yl);
            ctx.moveTo(mid - (barW * 0.2), yh);
            ctx.lineTo(mid + (barW * 0.2), yh);
            ctx.stroke();
          }
        }
      });
      ctx.restore();
    }

    var xAxis = axisOf(spec.x, 0, true);
    xAxis.splits = function () { return xs; };
    xAxis.values = function (uu, splits) { return splits.map(function (i) { return spec.categories[i] !== undefined ? String(spec.categories[i]) : ''; }); };
    xAxis.grid = { show: false };
    var opts = {
      width: width,
      height: 300,
      scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: [0, maxHigh > 0 ? maxHigh * 1.1 : 1] } },
      axes: [xAxis, axisOf(spec.y, 0, false)],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      series: [{ label: spec.x.label }].concat(spec.series.map(function (s, i) {
        var c = colour(s.color || ('c' + i));
        return { label: s.label, stroke: c, _colour: c, show: visible(spec, state, s, i), paths: function () { return null; }, points: { show: false } };
      })),
      hooks: {
        draw: [drawBars, drawMarks(spec)],
        setCursor: [function (uu) {
          showReadout(box, spec, uu, function (x, idx) { return spec.categories[idx] !== undefined ? String(spec.categories[idx]) : ''; });
        }],
      },
    };
    opts.series.slice(1).forEach(function (s, i) { s._colour = colour(spec.series[i].color || ('c' + i)); });
    u = new uPlot(opts, [xs].concat(spec.series.map(function (s) { return s.y; })), plotBox);
    u.series.forEach(function (s, i) { if (i > 0) { s._colour = opts.series[i]._colour; } });
    return u;
  }

  // ---- building, resizing, theme and print -------------------------------------------------------------------

  function widthOf(holder) {
    return Math.max(320, Math.floor(holder.getBoundingClientRect().width || holder.clientWidth || 800));
  }

  function buildOne(holder) {
    var id = holder.getAttribute('data-chart');
    var spec = data.charts[id];
    if (!spec) {
      return;
    }
    if (charts[id]) {
      charts[id].destroy();
      delete charts[id];
    }
    holder.textContent = '';
    var width = widthOf(holder);
    var u = spec.kind === 'bars' ? barChart(id, spec, holder, width) : lineChart(id, spec, holder, width);
    u.series.forEach(function (s, i) {
      if (i > 0 && !s._colour) {
        s._colour = s.stroke && typeof s.stroke === 'function' ? s.stroke(u, i) : s.stroke;
      }
    });
    charts[id] = u;
    holder.dataset.drawn = 'true';
  }

  function buildAll() {
    document.querySelectorAll('[data-chart]').forEach(buildOne);
  }

  function resizeAll(widthOverride) {
    document.querySelectorAll('[data-chart]').forEach(function (holder) {
      var u = charts[holder.getAttribute('data-chart')];
      if (u) {
        u.setSize({ width: widthOverride || widthOf(holder), height: 300 });
      }
    });
  }

  // ---- sortable tables ---------------------------------------------------------------------------------------

  function sortable(table) {
    var heads = table.querySelectorAll('thead th[data-sort]');
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      th.title = 'Sort by ' + th.textContent;
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.getAttribute('data-sort') === 'num';
        rows.sort(function (a, b) {
          var ca = a.cells[col];
          var cb = b.cells[col];
          if (numeric) {
            var va = ca.getAttribute('data-v');
            var vb = cb.getAttribute('data-v');
            var na = va === null || va === '' ? null : parseFloat(va);
            var nb = vb === null || vb === '' ? null : parseFloat(vb);
            if (na === null && nb === null) { return 0; }
            if (na === null) { return 1; }
            if (nb === null) { return -1; }
            return asc ? na - nb : nb - na;
          }
          var ta = ca.textContent;
          var tb = cb.textContent;
          return asc ? ta.localeCompare(tb) : tb.localeCompare(ta);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sort();
        }
      });
    });
  }

  document.querySelectorAll('table.sortable').forEach(sortable);
  buildAll();

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { resizeAll(); }, 120);
  });
  // Printing: light colours whatever the screen's scheme (the charts read them when drawn), page-wide charts.
  window.addEventListener('beforeprint', function () {
    document.documentElement.classList.add('printing');
    document.querySelectorAll('details.settings').forEach(function (d) { d.dataset.wasOpen = d.open ? '1' : ''; d.open = true; });
    buildAll();
    resizeAll(680);
  });
  window.addEventListener('afterprint', function () {
    document.documentElement.classList.remove('printing');
    document.querySelectorAll('details.settings').forEach(function (d) { d.open = d.dataset.wasOpen === '1'; });
    buildAll();
  });
  if (window.matchMedia) {
    var dark = window.matchMedia('(prefers-color-scheme: dark)');
    var rebuild = function () { buildAll(); };
    if (dark.addEventListener) {
      dark.addEventListener('change', rebuild);
    }
  }
  document.documentElement.dataset.ready = 'true';
})();
