/*
 * plantstream live KPI dashboard: plain JavaScript, no build step, no network but the KPI
 * application's own HTTP API (relative URLs, so any instance, or a proxy path in front of it, serves it).
 *
 * Every POLL_MS it asks each site's new 1-minute windows (GET sites/{site}/kpis?window=1m&from=...,
 * from just after the newest window it has) and, when an hour has ended since the newest hourly
 * window it has (or every HOUR_EVERY polls), the new 1-hour windows; every RESYNC_EVERY polls it
 * asks again for the whole charted span, which picks up corrected windows (a higher revision).
 * With a site open it asks for the new minutes of all the site's machines in one request
 * (GET sites/{site}/machines/kpis) whenever the site has a new final minute. The shift and day
 * windows of each site's calendar (GET sites/{site}/kpis?window=shift|day, all the stores keep: a
 * few days) come every HOUR_EVERY polls; the open site's losses (GET sites/{site}/losses?window=...)
 * when its newest final window of the chosen kind changes. So at steady state: one request per site
 * and second, a few more every HOUR_EVERY seconds, plus one per new minute for the open site.
 *
 * Rules (README, "The dashboard"):
 *  - tiles show the newest FINAL window of each size, and the change against the previous final one;
 *    shift and day tiles name the window by the site's local date, shift and local times (its zone
 *    from GET sites), with its failures and largest loss;
 *  - the loss Pareto of the open site is its newest final hour, shift or day: the time in each
 *    state other than PRODUCTIVE per reason, largest first, as GET sites/{site}/losses answers it;
 *  - a site is STALE when its newest final 1-minute window starts more than STALE_AFTER_WINDOWS
 *    minutes before the newest final 1-minute window of any site (or it has none while others do);
 *  - a machine is UNKNOWN (silent) now when, for the site's newest final minute, it has no record or
 *    its record's dominant state (most milliseconds of stateMillis) is UNKNOWN;
 *  - charts count back from the data's own newest window (simulated time may run ahead of the wall clock).
 */
(function () {
  'use strict';

  const POLL_MS = 1000;
  const STALE_AFTER_WINDOWS = 3;
  const RESYNC_EVERY = 60;
  const HOUR_EVERY = 10;
  const SITES_EVERY = 30;
  const MINUTE = 60 * 1000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  const SIZE = { '1m': MINUTE, '1h': HOUR };
  const SPAN = { '1m': HOUR, '1h': 24 * HOUR };
  /** How far back of the newest window the page keeps windows: as long as the stores keep them final. */
  const KEEP = { '1m': 2 * HOUR, '1h': 2 * DAY, shift: 3 * DAY, day: 8 * DAY };
  /** The tumbling windows, charted, and the windows of each site's calendar, tiles only. */
  const TUMBLING = ['1m', '1h'];
  const CALENDAR = ['shift', 'day'];
  const WINDOWS = TUMBLING.concat(CALENDAR);
  const TILE_TITLES = { '1m': 'last final minute', '1h': 'last final hour', shift: 'last final shift',
    day: 'last final day' };
  const LOSS_WINDOWS = ['1h', 'shift', 'day'];
  const STATE_KEYS = {
    PRODUCTIVE: 'productive', STANDBY: 'standby', ENGINEERING: 'engineering', SCHEDULED_DOWN: 'scheduledDown',
    UNSCHEDULED_DOWN: 'unscheduledDown', NON_SCHEDULED: 'nonScheduled', UNKNOWN: 'unknown',
  };
  const STATES = ['productive', 'standby', 'engineering', 'scheduledDown', 'unscheduledDown', 'nonScheduled',
    'unknown'];
  const STATE_NAMES = {
    productive: 'PRODUCTIVE', standby: 'STANDBY', engineering: 'ENGINEERING', scheduledDown: 'SCHEDULED_DOWN',
    unscheduledDown: 'UNSCHEDULED_DOWN', nonScheduled: 'NON_SCHEDULED', unknown: 'UNKNOWN', none: 'no record',
  };
  const KPIS = [
    { key: 'yield', label: 'yield', ratio: true },
    { key: 'outputPerHour', label: 'output/h', ratio: false },
    { key: 'uptime', label: 'uptime', ratio: true },
    { key: 'oee', label: 'OEE', ratio: true },
  ];
  const COLORS = { yield: '#58a6ff', uptime: '#3fb950', oee: '#d2a8ff', output: '#e3b341' };

  /** What tests and curious people can read: counters, and when each window was first shown. */
  const hooks = window.plantDashboard = {
    pollMs: POLL_MS,
    staleAfterWindows: STALE_AFTER_WINDOWS,
    polls: 0,
    requests: 0,
    failedPolls: 0,
    firstTilesAt: null,
    shown: [],
    newest: {},
    losses: null,
    format: { percent: percent, number: number, duration: duration },
  };

  const sites = new Map();
  const machines = new Map();
  let openSiteId = null;
  let lastOkAt = null;
  let lastProblem = null;
  const requestTimes = [];

  // ---------------------------------------------------------------------------- formatting

  /** A ratio as a percentage with one decimal, or a dash when undefined. */
  function percent(ratio) {
    return ratio == null ? '–' : (ratio * 100).toFixed(1) + '%';
  }

  /** A number as is when whole, else with one decimal. */
  function number(value) {
    return value == null ? '–' : Number.isInteger(value) ? String(value) : value.toFixed(1);
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  function hhmm(millis) {
    const d = new Date(millis);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }

  function day(millis) {
    return new Date(millis).toISOString().slice(0, 10);
  }

  /** HH:mm of {@code millis} in {@code zone} (an IANA id), on a 24-hour clock. */
  function localHhmm(millis, zone) {
    try {
      const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone || 'UTC', hour: '2-digit', minute: '2-digit',
        hourCycle: 'h23' }).formatToParts(new Date(millis));
      const part = (type) => (parts.find((p) => p.type === type) || { value: '00' }).value;
      return part('hour') + ':' + part('minute');
    } catch (unknownZone) {
      return hhmm(millis);
    }
  }

  /** A span of time in the unit that reads best: 42 s, 12 min, 3.5 h. */
  function duration(millis) {
    if (millis < MINUTE) {
      return Math.round(millis / 1000) + ' s';
    }
    if (millis < 2 * HOUR) {
      return Math.round(millis / MINUTE) + ' min';
    }
    return (millis / HOUR).toFixed(1) + ' h';
  }

  function iso(millis) {
    return new Date(millis).toISOString().replace('.000Z', 'Z');
  }

  function delta(kpi, newest, previous) {
    const a = newest && newest[kpi.key];
    const b = previous && previous[kpi.key];
    if (a == null || b == null) {
      return { text: '', cls: '' };
    }
    const change = kpi.ratio ? (a - b) * 100 : a - b;
    const shown = kpi.ratio ? Math.abs(change).toFixed(1) : number(Math.abs(Math.round(change * 10) / 10));
    if (Number(shown) === 0) {
      return { text: '→ 0', cls: '' };
    }
    return { text: (change > 0 ? '▲ ' : '▼ ') + shown, cls: change > 0 ? 'up' : 'down' };
  }

  // ---------------------------------------------------------------------------- DOM

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value == null) {
        continue;
      }
      if (name === 'text') {
        node.textContent = value;
      } else if (name === 'class') {
        node.className = value;
      } else {
        node.setAttribute(name, value);
      }
    }
    for (const child of children || []) {
      node.appendChild(child);
    }
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  // ---------------------------------------------------------------------------- data

  async function getJson(path) {
    hooks.requests++;
    requestTimes.push(Date.now());
    const response = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try {
        message = (await response.json()).error || message;
      } catch (ignored) {
        // not JSON
      }
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function windowsOf(map) {
    return [...map.values()].sort((a, b) => a.start - b.start);
  }

  function finalsOf(map) {
    return windowsOf(map).filter((record) => record.final);
  }

  /** Keeps the latest record per window start (the higher revision); true when anything changed. */
  function merge(map, records, keep) {
    let changed = false;
    for (const record of records) {
      record.start = Date.parse(record.windowStart);
      const held = map.get(record.start);
      if (!held || record.revision > held.revision || (record.final && !held.final)) {
        map.set(record.start, record);
        changed = true;
      }
    }
    const newest = Math.max(...map.keys());
    for (const start of map.keys()) {
      if (start < newest - keep) {
        map.delete(start);
        changed = true;
      }
    }
    return changed;
  }

  /** Where the next request starts: the earliest window not yet final, else just after the newest; null for all. */
  function cursor(map, size, resyncSpan) {
    if (map.size === 0) {
      return null;
    }
    const held = windowsOf(map);
    const newest = held[held.length - 1].start;
    if (resyncSpan) {
      return newest - resyncSpan;
    }
    const open = held.find((record) => !record.final);
    return open ? open.start : newest + size;
  }

  async function loadSites() {
    const list = await getJson('sites');
    for (const info of list) {
      if (!sites.has(info.siteId)) {
        sites.set(info.siteId, {
          id: info.siteId,
          kpis: { '1m': new Map(), '1h': new Map(), shift: new Map(), day: new Map() },
          loaded: { '1m': false, '1h': false, shift: false, day: false },
          version: 0,
          drawn: { '1m': -1, '1h': -1 },
          charts: {},
        });
      }
      sites.get(info.siteId).info = info;
    }
  }

  function newestFinal(site, window) {
    const finals = finalsOf(site.kpis[window]);
    return finals.length ? finals[finals.length - 1] : null;
  }

  /** Whether an hour has ended, by the site's final minutes, that no final hourly window covers yet. */
  function hourDue(site) {
    const minute = newestFinal(site, '1m');
    if (!minute) {
      return false;
    }
    const hourEnded = Math.floor((minute.start + MINUTE) / HOUR) * HOUR;
    const hour = newestFinal(site, '1h');
    if (!hour) {
      // No final hour yet: one is due once the minutes cross an hour's end after the first of them.
      return hourEnded > finalsOf(site.kpis['1m'])[0].start;
    }
    return hour.start + HOUR < hourEnded;
  }

  async function pollSite(site, resync) {
    for (const window of WINDOWS) {
      const calendar = CALENDAR.includes(window);
      const due = !site.loaded[window] || resync || hooks.polls % HOUR_EVERY === 0
          || (!calendar && (window === '1m' || hourDue(site)));
      if (!due) {
        continue;
      }
      // A site's shifts and days are few (the stores keep them days, not weeks): all of them each time.
      const from = calendar ? null : cursor(site.kpis[window], SIZE[window], resync ? SPAN[window] : 0);
      const records = await getJson('sites/' + encodeURIComponent(site.id) + '/kpis?window=' + window
          + (from == null ? '' : '&from=' + iso(from)));
      site.loaded[window] = true;
      if (merge(site.kpis[window], records, KEEP[window])) {
        site.version++;
      }
    }
  }

  async function pollMachines(site, resync) {
    const newest = newestFinal(site, '1m');
    if (!newest || (!resync && site.machinesUpTo === newest.start)) {
      return false;
    }
    const since = newest.start - SPAN['1m'] + MINUTE;
    const ids = site.info.machines || [];
    ids.forEach((machineId) => machines.has(machineId) || machines.set(machineId, new Map()));
    // One request for every machine of the site, from the earliest window any of them still needs.
    let from = since;
    if (!resync && ids.every((machineId) => machines.get(machineId).size > 0)) {
      from = Math.max(since, Math.min(...ids.map((machineId) => cursor(machines.get(machineId), MINUTE, 0))));
    }
    const records = await getJson('sites/' + encodeURIComponent(site.id) + '/machines/kpis?window=1m&from=' + iso(from));
    const byMachine = new Map();
    for (const record of records) {
      if (!byMachine.has(record.machineId)) {
        byMachine.set(record.machineId, []);
      }
      byMachine.get(record.machineId).push(record);
    }
    byMachine.forEach((held, machineId) => {
      if (!machines.has(machineId)) {
        machines.set(machineId, new Map());
      }
      merge(machines.get(machineId), held, KEEP['1m']);
    });
    site.machinesUpTo = newest.start;
    return true;
  }

  // ---------------------------------------------------------------------------- sites

  function siteCard(site) {
    const card = el('article', { class: 'site', 'data-site': site.id, tabindex: '0', title: 'click for the machines' });
    const head = el('div', { class: 'site-head' }, [
      el('span', { class: 'site-name', text: site.id }),
      el('span', { class: 'site-meta' }),
      el('span', { class: 'badge stale', hidden: '' }),
    ]);
    card.appendChild(head);
    site.el = { card: card, meta: head.children[1], stale: head.children[2], tiles: {}, charts: {} };
    for (const window of WINDOWS) {
      const tile = el('div', { class: 'tile' + (CALENDAR.includes(window) ? ' calendar' : ''), 'data-window': window }, [
        el('div', { class: 'tile-head' }, [
          el('span', { text: TILE_TITLES[window] }),
          el('span', { class: 'window', text: '–' }),
        ]),
      ]);
      const grid = el('div', { class: 'kpis' });
      const cells = {};
      for (const kpi of KPIS) {
        const cell = el('div', { class: 'kpi', 'data-kpi': kpi.key }, [
          el('span', { class: 'label', text: kpi.label }),
          el('span', { class: 'value', text: '–' }),
          el('span', { class: 'delta', title: kpi.ratio ? 'change against the previous final window, in percentage points'
            : 'change against the previous final window' }),
        ]);
        cells[kpi.key] = { value: cell.children[1], delta: cell.children[2] };
        grid.appendChild(cell);
      }
      tile.appendChild(grid);
      let foot = null;
      if (CALENDAR.includes(window)) {
        foot = el('div', { class: 'tile-foot' }, [el('span', { class: 'failures' }), el('span', { class: 'top-loss' })]);
        tile.appendChild(foot);
      }
      card.appendChild(tile);
      site.el.tiles[window] = { tile: tile, window: tile.querySelector('.window'), cells: cells,
        failures: foot && foot.children[0], topLoss: foot && foot.children[1] };
    }
    for (const window of TUMBLING) {
      const chart = el('div', { class: 'chart', 'data-chart': window }, [
        el('div', { class: 'chart-title', text: window === '1m' ? 'last hour, per minute' : 'last day, per hour' }),
        el('div', { class: 'plot' }),
      ]);
      card.appendChild(chart);
      site.el.charts[window] = chart.querySelector('.plot');
    }
    card.addEventListener('click', () => toggle(site.id));
    card.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        toggle(site.id);
      }
    });
    return card;
  }

  function newestOfAll(window) {
    let newest = null;
    for (const site of sites.values()) {
      const record = newestFinal(site, window);
      if (record && (newest == null || record.start > newest)) {
        newest = record.start;
      }
    }
    return newest;
  }

  function renderSites() {
    const container = document.getElementById('sites');
    const newest1m = newestOfAll('1m');
    hooks.newest = { '1m': newest1m == null ? null : iso(newest1m) };
    let anyTiles = false;
    for (const site of [...sites.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      if (!site.el) {
        container.appendChild(siteCard(site));
      }
      const info = site.info || {};
      setText(site.el.meta, (info.machines || []).length + ' machines · ' + (info.lines || []).length + ' lines');
      for (const window of WINDOWS) {
        const finals = finalsOf(site.kpis[window]);
        const newest = finals[finals.length - 1];
        const previous = finals[finals.length - 2];
        const tile = site.el.tiles[window];
        tile.tile.classList.toggle('empty', !newest);
        if (!newest) {
          setText(tile.window, window === 'shift' && site.info && (site.info.shifts || []).length === 0
            ? 'no shift calendar' : 'no final ' + (window === '1m' ? 'minute' : window === '1h' ? 'hour' : window)
              + ' yet');
          continue;
        }
        anyTiles = true;
        if (tile.tile.getAttribute('data-window-start') !== newest.windowStart) {
          tile.tile.setAttribute('data-window-start', newest.windowStart);
          hooks.shown.push({ site: site.id, window: window, windowStart: newest.windowStart,
            windowEnd: newest.windowEnd, shownAt: Date.now() });
          if (hooks.shown.length > 500) {
            hooks.shown.shift();
          }
        }
        const end = Date.parse(newest.windowEnd);
        const zone = (site.info && site.info.timeZone) || 'UTC';
        if (window === 'shift') {
          setText(tile.window, newest.shift + ' · ' + newest.localDate + ' · ' + localHhmm(newest.start, zone) + '–'
            + localHhmm(end, zone));
        } else if (window === 'day') {
          setText(tile.window, newest.localDate + ' · ' + Math.round((end - newest.start) / HOUR) + ' h');
        } else {
          setText(tile.window, hhmm(newest.start) + '–' + hhmm(end) + ' UTC');
        }
        tile.window.title = (CALENDAR.includes(window) ? 'local times, ' + zone + ' · ' : '')
            + day(newest.start) + ' ' + hhmm(newest.start) + ' – ' + day(end) + ' ' + hhmm(end) + ' UTC · revision '
            + newest.revision + ' · ' + newest.machinesReporting + ' machines reporting · '
            + newest.unitsTotal + ' units (' + newest.unitsGood + ' good)';
        if (tile.failures) {
          setText(tile.failures, (newest.failures || 0) + (newest.failures === 1 ? ' failure' : ' failures'));
          const top = topLoss(newest);
          setText(tile.topLoss, top ? 'top loss ' + top.label + ' ' + percent(top.share) : 'no loss');
          tile.topLoss.title = top ? top.label + ': ' + duration(top.millis) + ' of ' + duration(top.counted)
            + ' machine time counted' : '';
        }
        for (const kpi of KPIS) {
          const cell = tile.cells[kpi.key];
          setText(cell.value, kpi.ratio ? percent(newest[kpi.key]) : number(newest[kpi.key]));
          const change = delta(kpi, newest, previous);
          setText(cell.delta, change.text);
          cell.delta.className = 'delta ' + change.cls;
        }
      }
      const mine = newestFinal(site, '1m');
      const stale = newest1m != null && (!mine || mine.start < newest1m - STALE_AFTER_WINDOWS * MINUTE);
      site.el.card.classList.toggle('stale', stale);
      site.el.card.toggleAttribute('data-stale', stale);
      site.el.card.classList.toggle('open', site.id === openSiteId);
      if (stale) {
        site.el.stale.hidden = false;
        setText(site.el.stale, mine ? 'stale · ' + Math.round((newest1m - mine.start) / MINUTE) + ' min behind'
            : 'stale · no data');
      } else {
        site.el.stale.hidden = true;
      }
    }
    if (anyTiles && hooks.firstTilesAt == null) {
      hooks.firstTilesAt = performance.now();
    }
    for (const site of sites.values()) {
      for (const window of TUMBLING) {
        drawChart(site, window);
      }
    }
  }

  /** The largest entry of a record's stateReasonMillis that is not PRODUCTIVE, with its share of them all. */
  function topLoss(record) {
    let counted = 0;
    let top = null;
    for (const [key, millis] of Object.entries(record.stateReasonMillis || {})) {
      counted += millis;
      if (!key.startsWith('PRODUCTIVE/') && (!top || millis > top.millis || (millis === top.millis && key < top.label))) {
        top = { label: key, millis: millis };
      }
    }
    return top && counted ? Object.assign(top, { counted: counted, share: top.millis / counted }) : null;
  }

  // ---------------------------------------------------------------------------- charts

  function chartData(site, window) {
    const size = SIZE[window];
    const end = newestOfAll(window);
    if (end == null) {
      return null;
    }
    const xs = [];
    const series = [[], [], [], []];
    for (let start = end - SPAN[window] + size; start <= end; start += size) {
      const record = site.kpis[window].get(start);
      const usable = record && record.final ? record : null;
      xs.push(start / 1000);
      series[0].push(usable ? usable.outputPerHour : null);
      series[1].push(usable && usable.yield != null ? usable.yield * 100 : null);
      series[2].push(usable && usable.uptime != null ? usable.uptime * 100 : null);
      series[3].push(usable && usable.oee != null ? usable.oee * 100 : null);
    }
    return [xs].concat(series);
  }

  function axisTimes(window) {
    return (u, splits) => splits.map((s) => {
      const millis = s * 1000;
      return window === '1h' && new Date(millis).getUTCHours() === 0 ? day(millis).slice(5) : hhmm(millis);
    });
  }

  /** Where uPlot would draw no points (too dense), those of the values without a neighbour: a line needs two. */
  function isolatedPoints(u, seriesIdx, show) {
    if (show) {
      return null;
    }
    const values = u.data[seriesIdx];
    const idxs = [];
    for (let i = 0; i < values.length; i++) {
      if (values[i] != null && (i === 0 || values[i - 1] == null) && (i === values.length - 1 || values[i + 1] == null)) {
        idxs.push(i);
      }
    }
    return idxs.length ? idxs : null;
  }

  function chartOptions(window, width, height) {
    const axis = { stroke: '#8d99a8', grid: { stroke: 'rgba(255,255,255,0.07)', width: 1 },
      ticks: { stroke: 'rgba(255,255,255,0.12)', width: 1, size: 4 }, font: '10px system-ui, sans-serif' };
    const line = (label, color) => ({ label: label, scale: '%', stroke: color, width: 1.5, spanGaps: false,
      points: { size: 4, fill: color, filter: isolatedPoints } });
    return {
      width: width,
      height: height,
      padding: [8, 2, 0, 0],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 5 } },
      scales: {
        x: { time: true },
        '%': { auto: false, range: [0, 100] },
        out: { range: (u, min, max) => [0, Math.max(1, (max || 0) * 1.15)] },
      },
      axes: [
        Object.assign({}, axis, { values: axisTimes(window), space: 44, size: 22 }),
        Object.assign({}, axis, { scale: '%', values: (u, splits) => splits.map((v) => v + '%'), size: 36,
          splits: () => [0, 50, 100] }),
        Object.assign({}, axis, { scale: 'out', side: 1, grid: { show: false }, size: 34,
          values: (u, splits) => splits.map((v) => (v >= 1000 ? (v / 1000) + 'k' : String(v))) }),
      ],
      series: [
        {},
        { label: 'output/h', scale: 'out', stroke: COLORS.output, fill: 'rgba(227,179,65,0.35)', width: 0,
          paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } },
        line('yield', COLORS.yield),
        line('uptime', COLORS.uptime),
        line('OEE', COLORS.oee),
      ],
    };
  }

  function drawChart(site, window) {
    const container = site.el.charts[window];
    const data = chartData(site, window);
    const key = site.version + '@' + (data ? data[0][data[0].length - 1] : 'none');
    if (site.drawn[window] === key) {
      return;
    }
    site.drawn[window] = key;
    if (!data) {
      container.textContent = '';
      return;
    }
    const width = Math.max(120, container.clientWidth);
    const chart = site.charts[window];
    if (chart) {
      chart.setData(data);
    } else {
      container.textContent = '';
      site.charts[window] = new uPlot(chartOptions(window, width, container.clientHeight || 118), data, container);
    }
  }

  function resizeCharts() {
    for (const site of sites.values()) {
      for (const window of TUMBLING) {
        const chart = site.charts[window];
        const container = site.el && site.el.charts[window];
        if (chart && container && container.clientWidth > 0 && chart.width !== container.clientWidth) {
          chart.setSize({ width: container.clientWidth, height: chart.height });
        }
      }
    }
  }

  // ---------------------------------------------------------------------------- machines

  function dominant(record) {
    if (!record) {
      return 'none';
    }
    let best = 'none';
    let most = 0;
    for (const state of STATES) {
      const millis = record.stateMillis ? record.stateMillis[state] || 0 : 0;
      if (millis > most) {
        most = millis;
        best = state;
      }
    }
    return best;
  }

  function toggle(siteId) {
    openSiteId = openSiteId === siteId ? null : siteId;
    const site = sites.get(siteId);
    if (site) {
      site.machinesUpTo = null;
      site.lossesOf = null;
    }
    renderMachines();
    renderSites();
    if (openSiteId) {
      refreshMachines(false);
      refreshLosses();
    }
  }

  async function refreshMachines(resync) {
    const site = openSiteId && sites.get(openSiteId);
    if (!site) {
      return;
    }
    try {
      if (await pollMachines(site, resync)) {
        renderMachines();
      }
    } catch (error) {
      problem(error);
    }
  }

  function renderMachines() {
    const section = document.getElementById('machines');
    const site = openSiteId && sites.get(openSiteId);
    if (!site) {
      section.hidden = true;
      section.textContent = '';
      section.removeAttribute('data-site');
      return;
    }
    section.hidden = false;
    section.setAttribute('data-site', site.id);
    const newest = newestFinal(site, '1m');
    const ids = (site.info && site.info.machines) || [];
    const rows = [];
    const silent = [];
    for (const machineId of ids) {
      const held = machines.get(machineId) || new Map();
      const band = el('div', { class: 'band' });
      let units = 0;
      let good = 0;
      if (newest) {
        for (let start = newest.start - SPAN['1m'] + MINUTE; start <= newest.start; start += MINUTE) {
          const record = held.get(start);
          const state = dominant(record);
          band.appendChild(el('i', { class: state, title: hhmm(start) + ' ' + STATE_NAMES[state] }));
          if (record) {
            units += record.unitsTotal;
            good += record.unitsGood;
          }
        }
      }
      const now = newest ? dominant(held.get(newest.start)) : 'none';
      const unknown = !!newest && site.machinesUpTo === newest.start && (now === 'unknown' || now === 'none');
      if (unknown) {
        silent.push(machineId);
      }
      const line = newest && held.get(newest.start) ? held.get(newest.start).lineId : '';
      rows.push(el('tr', { class: unknown ? 'silent' : '', 'data-machine': machineId,
        'data-now': STATE_NAMES[now], 'data-unknown': String(unknown) }, [
        el('td', { class: 'id', text: machineId }),
        el('td', { text: line }),
        el('td', { class: 'band-cell' }, [band]),
        el('td', {}, [el('span', { class: 'state-name ' + now, text: unknown ? 'UNKNOWN' : STATE_NAMES[now] })]),
        el('td', { class: 'num', text: String(units) }),
        el('td', { class: 'num', text: units ? percent(good / units) : '–' }),
      ]));
    }
    const head = el('div', { class: 'machines-head' }, [
      el('h2', { text: site.id + ' · machines' }),
      el('span', { class: 'summary' + (silent.length ? ' silent' : ''),
        text: !newest ? 'no final minute yet'
          : silent.length ? silent.length + ' of ' + ids.length + ' UNKNOWN (silent) at ' + hhmm(newest.start) + ': '
            + silent.join(', ')
            : 'all ' + ids.length + ' machines reporting at ' + hhmm(newest.start) + ' UTC' }),
      el('button', { type: 'button', text: 'close' }),
    ]);
    head.querySelector('button').addEventListener('click', () => toggle(site.id));
    const legend = el('div', { class: 'states' }, STATES.concat(['none']).map((state) =>
      el('span', { style: '--swatch: var(--s-' + state + ')', text: STATE_NAMES[state] })));
    const table = el('table', { class: 'machine-table' }, [
      el('thead', {}, [el('tr', {}, [
        el('th', { text: 'machine' }), el('th', { text: 'line' }),
        el('th', { text: 'E10 state per minute, last hour (dominant state of each minute)' }),
        el('th', { text: 'now' }), el('th', { class: 'num', text: 'units (1 h)' }),
        el('th', { class: 'num', text: 'yield (1 h)' })])]),
      el('tbody', {}, rows),
    ]);
    section.replaceChildren(head, lossesPanel(site), legend, table);
  }

  // ---------------------------------------------------------------------------- losses

  /** The kind of window whose losses the open site shows: the one chosen, else shifts once it has a final one, else hours. */
  function lossWindow(site) {
    return site.lossWindow || (newestFinal(site, 'shift') ? 'shift' : '1h');
  }

  /** Asks for the site's losses when its newest final window of that kind is not the one shown; true when asked. */
  async function pollLosses(site, resync) {
    const window = lossWindow(site);
    const newest = newestFinal(site, window);
    const wanted = window + '@' + (newest ? newest.start : 'none');
    if (!resync && site.lossesOf === wanted) {
      return false;
    }
    const answer = await getJson('sites/' + encodeURIComponent(site.id) + '/losses?window=' + window);
    site.losses = answer;
    site.lossesOf = wanted;
    return true;
  }

  async function refreshLosses() {
    const site = openSiteId && sites.get(openSiteId);
    if (!site) {
      return;
    }
    try {
      if (await pollLosses(site, false)) {
        renderMachines();
      }
    } catch (error) {
      problem(error);
    }
  }

  /** What the losses are of: the window's time, in the site's zone for a shift or day. */
  function lossWindowText(site, answer) {
    const start = Date.parse(answer.windowStart);
    const end = Date.parse(answer.windowEnd);
    const zone = (site.info && site.info.timeZone) || 'UTC';
    if (answer.window === 'shift') {
      return 'shift ' + answer.shift + ' of ' + answer.localDate + ', ' + localHhmm(start, zone) + '–'
        + localHhmm(end, zone) + ' ' + zone;
    }
    if (answer.window === 'day') {
      return answer.localDate + ' (' + zone + ', ' + Math.round((end - start) / HOUR) + ' h)';
    }
    return day(start) + ' ' + hhmm(start) + '–' + hhmm(end) + ' UTC';
  }

  /** The open site's loss Pareto: a bar per state and reason, largest first, and the failed units by defect code. */
  function lossesPanel(site) {
    const window = lossWindow(site);
    const answer = site.losses && site.losses.window === window ? site.losses : null;
    const buttons = el('span', { class: 'loss-windows', role: 'group', 'aria-label': 'window of the losses' },
      LOSS_WINDOWS.map((choice) => {
        const button = el('button', { type: 'button', class: choice === window ? 'on' : '', 'data-loss-window': choice,
          'aria-pressed': String(choice === window), text: choice });
        button.addEventListener('click', () => {
          site.lossWindow = choice;
          renderMachines();
          refreshLosses();
        });
        return button;
      }));
    let summary;
    if (!answer) {
      summary = 'loading…';
    } else if (!answer.key) {
      summary = window === 'shift' && site.info && (site.info.shifts || []).length === 0
        ? 'the site has no shift calendar' : 'no final ' + (window === '1h' ? 'hour' : window) + ' yet';
    } else {
      summary = lossWindowText(site, answer) + ' · ' + duration(answer.lossMillis) + ' lost of '
        + duration(answer.countedMillis) + ' machine time counted · ' + answer.failures
        + (answer.failures === 1 ? ' failure' : ' failures');
    }
    const rows = [];
    const losses = answer ? answer.losses : [];
    const most = losses.length ? losses[0].millis : 1;
    for (const loss of losses) {
      const state = STATE_KEYS[loss.state] || 'none';
      rows.push(el('div', { class: 'loss', 'data-state': loss.state, 'data-reason': loss.reason,
        'data-millis': String(loss.millis) }, [
        el('span', { class: 'loss-name', text: loss.state + ' · ' + loss.reason }),
        el('span', { class: 'loss-bar' }, [el('i', { class: state,
          style: 'width: ' + Math.max(0.5, 100 * loss.millis / most).toFixed(2) + '%' })]),
        el('span', { class: 'num', text: duration(loss.millis) }),
        el('span', { class: 'num', text: percent(loss.share) }),
      ]));
    }
    if (answer && answer.key && !rows.length) {
      rows.push(el('div', { class: 'loss-none', text: 'no time lost: every machine was PRODUCTIVE' }));
    }
    const defects = answer && answer.defects.length
      ? 'failed units by defect: ' + answer.defects.map((defect) => defect.code + ' ' + defect.units).join(' · ')
      : answer && answer.key ? 'no failed unit' : '';
    hooks.losses = answer ? { site: site.id, window: window, key: answer.key } : null;
    return el('div', { id: 'losses', class: 'losses', 'data-window': window, 'data-key': answer && answer.key || '' }, [
      el('div', { class: 'losses-head' }, [
        el('h3', { text: 'losses by reason' }),
        buttons,
        el('span', { class: 'summary', text: summary }),
      ]),
      el('div', { class: 'loss-rows' }, rows),
      el('div', { class: 'defects', text: defects }),
    ]);
  }

  // ---------------------------------------------------------------------------- loop

  function problem(error) {
    lastProblem = error;
  }

  function renderStatus() {
    const status = document.getElementById('status');
    const now = Date.now();
    while (requestTimes.length && requestTimes[0] < now - 10000) {
      requestTimes.shift();
    }
    const newest = newestOfAll('1m');
    const parts = [];
    if (lastProblem) {
      parts.push(lastProblem.status === 503
        ? 'KPI stores not queryable right now (starting or rebalancing); retrying'
        : 'cannot read the KPI API: ' + lastProblem.message);
    }
    parts.push(newest == null ? 'no final window yet' : 'data up to ' + day(newest) + ' ' + hhmm(newest + MINUTE) + ' UTC');
    parts.push(lastOkAt ? 'refreshed ' + new Date(lastOkAt).toISOString().slice(11, 19) + ' UTC' : 'not refreshed yet');
    parts.push('every ' + POLL_MS / 1000 + ' s, ' + (requestTimes.length / 10).toFixed(1) + ' requests/s');
    parts.push('served by ' + location.host);
    status.textContent = parts.join(' · ');
    status.className = 'status' + (lastProblem ? (lastProblem.status === 503 ? ' warn' : ' error') : '');
  }

  async function poll() {
    const began = Date.now();
    hooks.polls++;
    const resync = hooks.polls % RESYNC_EVERY === 0;
    try {
      if (sites.size === 0 || hooks.polls % SITES_EVERY === 0) {
        await loadSites();
      }
      await Promise.all([...sites.values()].map((site) => pollSite(site, resync)));
      renderSites();
      const open = openSiteId && sites.get(openSiteId);
      if (open) {
        const machinesChanged = await pollMachines(open, resync);
        const lossesChanged = await pollLosses(open, resync);
        if (machinesChanged || lossesChanged) {
          renderMachines();
        }
      }
      lastOkAt = Date.now();
      lastProblem = null;
    } catch (error) {
      hooks.failedPolls++;
      problem(error);
      renderSites();
    } finally {
      renderStatus();
      setTimeout(poll, Math.max(50, POLL_MS - (Date.now() - began)));
    }
  }

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resizeCharts, 100);
  });
  poll();
})();
