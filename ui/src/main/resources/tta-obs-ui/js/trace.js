import { api } from './api.js';
import { canOpenFiles, openInEditor } from './host.js';
import { badge, clear, copyButton, fmtInt, fmtMs, fmtOffset, fmtTime, fmtTokens, fmtUsd, h, svg } from './dom.js';
import { navigate, route } from './router.js';
import { feedbackControls, feedbackSummary } from './feedback.js';
import { callCost } from './llmcalls.js';
import { costText, costTitle, exceptions, indexTrace, inflateTimeline, isError, kindIcon, llmFacts, mergeDetails, plain, primitiveBadges, runFailed, serviceOf, summaryBadges, threw } from './model.js';

const ROW = 24;
const OVERSCAN = 12;
// past this many spans the tree opens with big deep subtrees folded, so the first paint stays small
const FOLD_ABOVE_SPANS = 5000;

export function renderTrace({ root, params }, traceId) {
  const t0 = performance.now();
  const controller = new AbortController();
  let disposed = false;
  let view = null;
  let latest = params;
  root.append(h('p', { class: 'muted', id: 'trace-loading' }, 'Loading trace…'));
  // the slim timeline draws the waterfall; a span's details, and the whole trace for search and
  // copy, are fetched when they are asked for
  api.timeline(traceId, controller.signal).then((body) => {
    if (disposed) return;
    const fetched = performance.now();
    clear(root);
    view = mount(root, inflateTimeline(body), latest, t0, fetched, controller.signal);
  }).catch((e) => {
    if (disposed || e.name === 'AbortError') return;
    clear(root).append(h('div', { class: 'empty' },
      e.status === 404 ? `Trace ${traceId} is not stored (it may have been evicted by retention).` : `Could not load the trace: ${e.message}`,
      ' ', h('a', { href: '#/traces' }, 'Back to traces')));
  });
  return {
    dispose() {
      disposed = true;
      controller.abort();
      view?.dispose();
    },
    // ?span= and ?q= typed or linked while the trace is open: select and search in place
    update(p) {
      latest = p;
      if (view) view.update(p);
    },
  };
}

const colours = new Map();
function serviceColour(name) {
  if (colours.has(name)) return colours.get(name);
  let hsh = 0;
  for (let i = 0; i < name.length; i++) hsh = (hsh * 31 + name.charCodeAt(i)) | 0;
  colours.set(name, `hsl(${Math.abs(hsh) % 360} 55% 52%)`);
  return colours.get(name);
}

function mount(root, trace, params, t0, fetched, signal) {
  const idx = indexTrace(trace);
  // the full trace (GET /api/traces/{id}), fetched once when search or copy needs every span's details
  let full = null;
  const loadAll = () => {
    full = full || api.trace(trace.traceId, signal).then((body) => {
      for (const f of body.spans) {
        const sp = idx.byId.get(f.spanId);
        if (sp && sp._slim) mergeDetails(sp, f);
      }
      waterfall.dataset.detailsLoaded = 'all';
      return body;
    });
    full.catch(() => { full = null; });
    return full;
  };
  const details = (sp) => (sp._slim ? (sp._details = sp._details || api.span(trace.traceId, sp.spanId, signal)
    .then((f) => mergeDetails(sp, f)).catch((e) => { sp._details = null; throw e; })) : Promise.resolve(sp));
  function showPanel(sp) {
    renderPanel(panel, sp, idx, trace, details);
    if (!sp._slim) return;
    details(sp).then(() => { if (selected === sp) renderPanel(panel, sp, idx, trace, details); }).catch((e) => {
      if (e.name === 'AbortError' || selected !== sp) return;
      panel.querySelector('#span-details-loading')?.replaceChildren(`Could not load the span's details: ${e.message}`);
    });
  }
  const indexed = performance.now();
  const s = trace.summary || {};
  const collapsed = new Set();
  if (idx.spans.length > FOLD_ABOVE_SPANS) {
    for (const sp of idx.spans) if (sp.depth >= 2 && sp._desc > 50) collapsed.add(sp.spanId);
  }
  let visible = [];
  // open where the user most likely wants to look: the linked span, else the first thrown exception
  let selected = idx.byId.get(params.get('span')) || idx.spans.find(threw) || idx.spans.find(isError) || idx.spans[0];
  const pickedSpan = params.has('span');
  let searchText = '';
  let matchSet = null;
  let matchList = [];
  let matchPos = -1;
  let showCritical = true;

  // header: the server's totals
  const tokens = (s.inputTokens || 0) + (s.outputTokens || 0);
  const cost = s.costUsd ?? null;
  const errorCount = s.errorCount ?? 0;
  const outcome = summaryBadges(s).find((b) => b.kind === 'outcome');

  const critBtn = h('button', { type: 'button', class: 'chip', 'aria-pressed': 'true', title: 'Highlight the spans that set the end time (c)' }, 'critical path');
  const compareBtn = h('button', { type: 'button', class: 'chip', title: 'Compare with the previous run of this workflow' }, 'compare with previous run');
  const header = h('section', { class: 'trace-head' },
    h('div', { class: 'crumbs' }, h('a', { href: '#/traces', class: 'back', title: 'Back to traces (esc)' }, '← traces')),
    h('h1', null, s.workflowName && s.workflowName !== s.rootName ? `${s.workflowName} · ${s.rootName}` : (s.rootName || idx.spans[0]?.name || trace.traceId)),
    h('div', { class: 'chips' },
      h('span', { class: 'stat' }, h('b', null, fmtMs(s.durationMs ?? idx.totalMs)), ' duration'),
      h('span', { class: 'stat' }, h('b', null, fmtInt(idx.spans.length)), ' spans'),
      outcome ? h('span', { id: 'trace-outcome' }, badge(outcome.text, outcome.tone, outcome.title)) : null,
      h('span', { class: `stat ${runFailed(s) ? 'err-text' : errorCount ? 'warn-text' : ''}` }, h('b', null, String(errorCount)), ' errors'),
      s.llmCalls ? h('span', { class: 'stat' }, h('b', null, fmtInt(s.llmCalls)), ` LLM call${s.llmCalls > 1 ? 's' : ''}`) : null,
      s.llmCalls ? h('span', { class: 'stat' }, h('b', null, fmtTokens(tokens)), ' tokens') : null,
      s.llmCalls ? h('span', { class: `stat ${cost == null ? 'muted' : ''}`, id: 'trace-cost', title: costTitle(s) }, h('b', null, costText(s, fmtUsd)),
        cost == null ? '' : s.costStatus === 'partial' ? ` cost, partial${s.callsWithoutUsage ? ` (${s.callsWithoutUsage} without token counts)` : ''}` : ' cost') : null,
      h('span', { class: 'stat muted' }, s.serviceName || serviceOf(idx.spans[0] || {})),
      h('span', { class: 'stat muted' }, fmtTime(idx.startNanos)),
      ...summaryBadges(s).filter((b) => b.kind !== 'outcome' && (b.tone !== 'err' || b.kind === 'regression')).map((b) => badge(b.text, b.tone, b.title)),
      h('span', { id: 'trace-feedback-badges' }, feedbackSummary(trace.feedback))),
    h('div', { class: 'actions' },
      h('span', { class: 'mono muted small' }, trace.traceId), copyButton(trace.traceId, 'copy id'),
      copyButton(async () => JSON.stringify(await loadAll(), null, 2), 'copy as JSON'),
      h('a', { class: 'chip', href: `/api/traces/${trace.traceId}/export?format=jaeger`, download: `trace-${trace.traceId}.jaeger.json`, title: 'Jaeger JSON, to load into Jaeger UI' }, 'export for Jaeger'),
      compareBtn, critBtn));

  const search = h('input', { type: 'search', class: 'search', placeholder: 'Find in trace: name, attribute, value  ( / )', 'aria-label': 'Search within the trace' });
  const matchInfo = h('span', { class: 'muted small' });
  const expandAll = h('button', { type: 'button', class: 'chip' }, 'expand all');
  const collapseAll = h('button', { type: 'button', class: 'chip' }, 'collapse all');

  const axis = h('div', { class: 'wf-axis' });
  const spacer = h('div', { class: 'wf-spacer' });
  const scroller = h('div', { class: 'wf-scroll', tabindex: 0, role: 'tree', 'aria-label': 'Spans' }, spacer);
  const minimap = h('div', { class: 'minimap', id: 'minimap', title: 'Drag to zoom into a time range, double-click to see the whole trace' });
  const zoomInfo = h('span', { class: 'muted small', id: 'zoom-info' });
  const waterfall = h('section', { class: 'waterfall', id: 'waterfall', dataset: { totalSpans: String(idx.spans.length) } }, minimap, h('div', { class: 'wf-head' }, h('div', { class: 'wf-namecol' }, 'span'), axis), scroller);
  const panel = h('aside', { class: 'span-panel', id: 'span-panel' });
  trace.feedback = trace.feedback || [];
  const feedbackBadges = header.querySelector('#trace-feedback-badges');
  const showFeedback = (items) => {
    trace.feedback = items;
    clear(feedbackBadges).append(feedbackSummary(items) || '');
  };
  const traceFeedback = feedbackControls({ traceId: trace.traceId, get: () => trace.feedback, set: showFeedback });
  header.append(h('details', { class: 'sec trace-feedback', id: 'trace-feedback', open: true },
    h('summary', null, 'Feedback on this run'), traceFeedback));
  // two tabs, in the URL as ?tab=llm: the waterfall, and the trace's LLM calls with their totals
  const wfTab = h('button', { type: 'button', class: 'tab', role: 'tab', id: 'tab-waterfall' }, 'Waterfall');
  const llmTab = s.llmCalls ? h('button', { type: 'button', class: 'tab', role: 'tab', id: 'tab-llm' }, `LLM calls (${fmtInt(s.llmCalls)})`) : null;
  const toolbar = h('div', { class: 'toolbar' }, search, matchInfo, zoomInfo, h('span', { class: 'spacer' }), expandAll, collapseAll, h('span', { class: 'hint muted' }, 'j/k move · ←/→ fold · e/E error · m/M LLM call · / find · esc back'));
  const body = h('div', { class: 'trace-body' }, waterfall, panel);
  const llmSection = h('section', { class: 'trace-llm-calls', id: 'trace-llm-calls', hidden: true });
  root.append(header, h('div', { class: 'tabs', role: 'tablist' }, wfTab, llmTab), toolbar, body, llmSection);
  let llmLoaded = false;
  function showTab(tab) {
    const llm = tab === 'llm' && Boolean(llmTab);
    wfTab.setAttribute('aria-selected', String(!llm));
    llmTab?.setAttribute('aria-selected', String(llm));
    toolbar.hidden = llm;
    body.hidden = llm;
    llmSection.hidden = !llm;
    if (llm && !llmLoaded) {
      llmLoaded = true;
      loadTraceCalls(llmSection, trace, idx, (sp) => { showTab(''); setTab(''); selectSpan(sp); });
    }
    if (!llm && laidOut) drawRows(true);
  }
  function setTab(tab) {
    const p = route().params;
    if (tab) p.set('tab', tab);
    else p.delete('tab');
    navigate(`/trace/${trace.traceId}`, p);
  }
  wfTab.addEventListener('click', () => setTab(''));
  llmTab?.addEventListener('click', () => setTab('llm'));

  // the time window the bars are drawn in: the whole trace, or the range dragged on the minimap
  let win = { from: idx.startNanos, ms: idx.totalMs };
  function drawAxis() {
    clear(axis);
    const offset = (win.from - idx.startNanos) / 1e6;
    for (let i = 0; i <= 4; i++) axis.append(h('span', { class: 'tick', style: { left: `${i * 25}%` } }, fmtMs(offset + (win.ms * i) / 4)));
    const zoomed = win.ms < idx.totalMs * 0.999;
    zoomInfo.textContent = zoomed ? `zoomed to ${fmtMs(offset)} – ${fmtMs(offset + win.ms)} · double-click the minimap to reset` : '';
    waterfall.dataset.zoomed = String(zoomed);
    if (mmWindow) {
      mmWindow.style.left = `${(offset / idx.totalMs) * 100}%`;
      mmWindow.style.width = `${(win.ms / idx.totalMs) * 100}%`;
      mmWindow.hidden = !zoomed;
    }
  }
  function zoom(fromFrac, toFrac) {
    const a = Math.max(0, Math.min(fromFrac, toFrac));
    const b = Math.min(1, Math.max(fromFrac, toFrac));
    win = b - a < 1e-4 || (a === 0 && b === 1) ? { from: idx.startNanos, ms: idx.totalMs } : { from: idx.startNanos + a * idx.totalMs * 1e6, ms: (b - a) * idx.totalMs };
    drawAxis();
    drawRows(true);
  }

  // minimap: how many spans run at each moment (errors in red), and the zoomed window
  const BINS = 240;
  const active = new Float64Array(BINS + 1);
  const errorBins = new Set();
  for (const sp of idx.spans) {
    const a = Math.min(BINS - 1, Math.floor(((sp._start - idx.startNanos) / 1e6 / idx.totalMs) * BINS));
    const b = Math.min(BINS - 1, Math.floor(((sp._end - idx.startNanos) / 1e6 / idx.totalMs) * BINS));
    active[a]++;
    active[b + 1]--;
    if (isError(sp)) errorBins.add(a);
  }
  let peak = 1;
  for (let i = 1; i < BINS; i++) active[i] += active[i - 1];
  for (let i = 0; i < BINS; i++) peak = Math.max(peak, active[i]);
  const bars = [];
  for (let i = 0; i < BINS; i++) {
    if (!active[i] && !errorBins.has(i)) continue;
    const hgt = Math.max(1.5, (active[i] / peak) * 26);
    bars.push(svg('rect', { x: i, y: 28 - hgt, width: 1, height: hgt, class: errorBins.has(i) ? 'mm-err' : 'mm-bar' }));
  }
  const mmWindow = h('div', { class: 'mm-window', hidden: true });
  const mmDrag = h('div', { class: 'mm-drag', hidden: true });
  minimap.append(svg('svg', { viewBox: `0 0 ${BINS} 28`, preserveAspectRatio: 'none' }, bars), mmWindow, mmDrag);
  let dragFrom = null;
  const frac = (e) => {
    const r = minimap.getBoundingClientRect();
    return Math.max(0, Math.min(1, (e.clientX - r.left) / r.width));
  };
  minimap.addEventListener('mousedown', (e) => { dragFrom = frac(e); e.preventDefault(); });
  const onMove = (e) => {
    if (dragFrom == null) return;
    const x = frac(e);
    mmDrag.hidden = false;
    mmDrag.style.left = `${Math.min(dragFrom, x) * 100}%`;
    mmDrag.style.width = `${Math.abs(x - dragFrom) * 100}%`;
  };
  const onUp = (e) => {
    if (dragFrom == null) return;
    const x = frac(e);
    mmDrag.hidden = true;
    if (Math.abs(x - dragFrom) > 0.005) zoom(dragFrom, x);
    dragFrom = null;
  };
  document.addEventListener('mousemove', onMove);
  document.addEventListener('mouseup', onUp);
  minimap.addEventListener('dblclick', () => zoom(0, 1));

  function computeVisible() {
    visible = [];
    const stack = idx.roots.slice().reverse();
    while (stack.length) {
      const sp = stack.pop();
      visible.push(sp);
      if (!collapsed.has(sp.spanId)) for (let i = sp._children.length - 1; i >= 0; i--) stack.push(sp._children[i]);
    }
    spacer.style.height = `${visible.length * ROW}px`;
    waterfall.dataset.visibleRows = String(visible.length);
  }

  let drawn = { first: -1, last: -1 };
  const rowEls = new Map();
  let laidOut = false;
  let initialTop = 0;
  function drawRows(force) {
    // before the first layout, reading scrollTop or clientHeight would force a reflow: use what we set and the window
    const top = laidOut ? scroller.scrollTop : initialTop;
    const height = laidOut ? scroller.clientHeight : window.innerHeight;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    if (!force && first === drawn.first && last === drawn.last) return;
    drawn = { first, last };
    // while scrolling, rows still in range stay; only the rows scrolled into view are built
    if (force) {
      clear(spacer);
      rowEls.clear();
    } else {
      for (const [i, el] of rowEls) {
        if (i < first || i >= last) {
          el.remove();
          rowEls.delete(i);
        }
      }
    }
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      if (rowEls.has(i)) continue;
      const el = rowEl(visible[i], i);
      rowEls.set(i, el);
      frag.append(el);
    }
    spacer.append(frag);
  }

  function rowEl(sp, i) {
    // placed in the zoom window and clipped to it; a span outside it keeps its row, without a bar
    const rawLeft = ((sp._start - win.from) / 1e6 / win.ms) * 100;
    const rawRight = rawLeft + ((sp._end - sp._start) / 1e6 / win.ms) * 100;
    const left = Math.max(0, Math.min(100, rawLeft));
    const width = rawRight < 0 || rawLeft > 100 ? 0 : Math.max(0.15, Math.min(100, rawRight) - left);
    const err = isError(sp);
    const icon = kindIcon(sp);
    const llm = llmFacts(sp);
    const hasKids = sp._children.length > 0;
    const open = !collapsed.has(sp.spanId);
    const cls = ['wf-row'];
    if (sp === selected) cls.push('selected');
    if (err) cls.push('error');
    if (matchSet) cls.push(matchSet.has(sp) ? 'match' : 'dim');
    const toggle = h('span', { class: 'toggle', title: hasKids ? (open ? 'Collapse' : `Expand ${sp._desc} spans`) : '' }, hasKids ? (open ? '▾' : '▸') : '');
    const row = h('div', { class: cls.join(' '), role: 'treeitem', 'aria-expanded': hasKids ? String(open) : null, 'aria-selected': String(sp === selected), style: { top: `${i * ROW}px` }, dataset: { spanId: sp.spanId } },
      h('div', { class: 'wf-name', style: { paddingLeft: `${6 + Math.min(sp.depth || 0, 40) * 14}px` } },
        toggle,
        h('span', { class: `icon ${icon.cls}`, title: icon.title }, icon.letter),
        h('span', { class: 'label', title: sp.name }, sp.name),
        !open && hasKids ? h('span', { class: 'muted small' }, ` +${sp._desc}`) : null,
        err ? badge('error', 'err', sp.status?.message) : null,
        llm && llm.model ? badge(llm.model, 'model') : null,
        llm ? h('span', { class: 'llm-usage muted small', title: `${fmtInt(llm.inputTokens)} in · ${fmtInt(llm.outputTokens)} out · ${llm.costStatus || ''}` },
          `${fmtTokens((llm.inputTokens || 0) + (llm.outputTokens || 0))} tok · ${fmtUsd(llm.costUsd)}`) : null,
        ...primitiveBadges(sp).map((b) => badge(b.text, b.tone, b.title))),
      h('div', { class: 'wf-track' },
        width ? h('div', { class: `wf-bar ${err ? 'err' : ''} ${showCritical && sp._critical ? 'cp' : ''}`, style: { left: `${left}%`, width: `${width}%`, background: err ? null : serviceColour(serviceOf(sp)) } }) : null,
        h('span', { class: `wf-dur ${left + width > 82 && left < 18 ? 'inside' : ''}`, style: left + width <= 82 ? { left: `${left + width + 0.5}%` } : left >= 18 ? { right: `${100 - left + 0.5}%` } : { right: `${100 - left - width + 0.5}%` } }, fmtMs(sp.durationMs))));
    if (hasKids) toggle.addEventListener('click', (e) => { e.stopPropagation(); toggleSpan(sp); });
    row.addEventListener('click', () => selectSpan(sp, false));
    return row;
  }

  function toggleSpan(sp, force) {
    const open = force ?? collapsed.has(sp.spanId);
    if (open) collapsed.delete(sp.spanId);
    else collapsed.add(sp.spanId);
    computeVisible();
    drawRows(true);
  }

  function reveal(sp) {
    let changed = false;
    for (let p = sp._parent; p; p = p._parent) if (collapsed.delete(p.spanId)) changed = true;
    if (changed) computeVisible();
  }

  function selectSpan(sp, scroll = true) {
    if (!sp) return;
    selected = sp;
    reveal(sp);
    if (scroll) {
      const i = visible.indexOf(sp);
      const top = i * ROW;
      if (top < scroller.scrollTop) scroller.scrollTop = top;
      else if (top + ROW > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + ROW - scroller.clientHeight;
    }
    drawRows(true);
    showPanel(sp);
    const p = route().params;
    p.set('span', sp.spanId);
    navigate(`/trace/${trace.traceId}`, p, { replace: true });
  }

  function runSearch() {
    searchText = search.value.trim().toLowerCase();
    if (searchText && !trace.loadedAll) {
      matchInfo.textContent = 'searching…';
      loadAll().then(() => { trace.loadedAll = true; if (search.value.trim()) runSearch(); })
        .catch((e) => { if (e.name !== 'AbortError') matchInfo.textContent = `could not search: ${e.message}`; });
      return;
    }
    if (!searchText) {
      matchSet = null;
      matchList = [];
      matchInfo.textContent = '';
      drawRows(true);
      return;
    }
    // every word on one span; failing that, any word (the server finds a trace when its words are
    // spread over several spans)
    const words = searchText.split(/\s+/);
    matchList = idx.spans.filter((sp) => words.every((w) => spanText(sp).includes(w)));
    if (!matchList.length && words.length > 1) matchList = idx.spans.filter((sp) => words.some((w) => spanText(sp).includes(w)));
    matchSet = new Set(matchList);
    matchPos = -1;
    for (const sp of matchList) reveal(sp);
    computeVisible();
    matchInfo.textContent = matchList.length ? `${matchList.length} match${matchList.length > 1 ? 'es' : ''} · enter for next` : 'no match';
    drawRows(true);
  }

  function nextMatch(dir = 1) {
    if (!matchList.length) return;
    matchPos = (matchPos + dir + matchList.length) % matchList.length;
    matchInfo.textContent = `${matchPos + 1} of ${matchList.length}`;
    selectSpan(matchList[matchPos]);
  }

  let searchTimer;
  search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, idx.spans.length > 2000 ? 200 : 60); });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      clearTimeout(searchTimer);
      e.preventDefault();
      if (searchText !== search.value.trim().toLowerCase() || !trace.loadedAll) {
        runSearch();
        // the first search waits for the whole trace: the step to the first match follows it
        if (!trace.loadedAll) { loadAll().then(() => nextMatch(e.shiftKey ? -1 : 1)).catch(() => {}); return; }
      }
      nextMatch(e.shiftKey ? -1 : 1);
    }
    if (e.key === 'Escape') { search.value = ''; runSearch(); search.blur(); e.stopPropagation(); }
  });
  expandAll.addEventListener('click', () => { collapsed.clear(); computeVisible(); drawRows(true); });
  collapseAll.addEventListener('click', () => { for (const sp of idx.spans) if (sp._children.length && sp.depth >= 1) collapsed.add(sp.spanId); reveal(selected); computeVisible(); drawRows(true); });
  critBtn.addEventListener('click', () => { showCritical = !showCritical; critBtn.setAttribute('aria-pressed', String(showCritical)); drawRows(true); });
  compareBtn.addEventListener('click', () => comparePrevious(trace, s, compareBtn));

  let raf = 0;
  scroller.addEventListener('scroll', () => {
    if (!raf) raf = requestAnimationFrame(() => { raf = 0; drawRows(false); });
  }, { passive: true });

  /** The next (or previous) span in tree order that passes test, wrapping around. */
  function jump(test, dir) {
    const n = idx.spans.length;
    for (let k = 1; k <= n; k++) {
      const sp = idx.spans[(((selected?._i ?? -1) + dir * k) % n + n) % n];
      if (test(sp)) {
        selectSpan(sp);
        return;
      }
    }
  }

  function onKey(e) {
    if (e.target.matches('input, select, textarea')) return;
    // Enter or Space on a feedback button presses it; it must not also fold the selected span
    if (e.target.closest('.feedback-box')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const i = visible.indexOf(selected);
    if (e.key === 'j' || e.key === 'ArrowDown') { selectSpan(visible[Math.min(visible.length - 1, i + 1)]); e.preventDefault(); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { selectSpan(visible[Math.max(0, i - 1)]); e.preventDefault(); }
    else if (e.key === 'ArrowLeft' || e.key === 'h') {
      if (selected._children.length && !collapsed.has(selected.spanId)) toggleSpan(selected, false);
      else if (selected._parent) selectSpan(selected._parent);
      e.preventDefault();
    } else if (e.key === 'ArrowRight' || e.key === 'l') {
      if (collapsed.has(selected.spanId)) toggleSpan(selected, true);
      else if (selected._children[0]) selectSpan(selected._children[0]);
      e.preventDefault();
    } else if (e.key === 'Enter' && selected._children.length) toggleSpan(selected);
    else if (e.key === '/') { search.focus(); e.preventDefault(); }
    else if (e.key === 'e' || e.key === 'E') jump((sp) => isError(sp), e.key === 'e' ? 1 : -1);
    else if (e.key === 'm' || e.key === 'M') jump((sp) => sp.llm, e.key === 'm' ? 1 : -1);
    else if (e.key === 'n') nextMatch(1);
    else if (e.key === 'N') nextMatch(-1);
    else if (e.key === 'c') critBtn.click();
    else if (e.key === 'Escape') location.hash = '#/traces';
  }
  document.addEventListener('keydown', onKey);

  // opened from a list search: the spans the server's search matched are highlighted, and the first
  // one named by the words is selected
  function showListSearch(q) {
    search.value = q;
    searchText = q.trim().toLowerCase();
    matchList = idx.spans.filter((sp) => serverMatch(sp, q));
    // the server matches a trace whose words are spread over several spans: show each word's spans
    if (!matchList.length) matchList = idx.spans.filter((sp) => words(q).some((w) => serverMatch(sp, w)));
    matchSet = matchList.length ? new Set(matchList) : null;
    for (const sp of matchList) reveal(sp);
    const named = matchList.find((sp) => serverMatch({ name: sp.name }, q)) || matchList[0];
    matchPos = matchList.indexOf(named);
    matchInfo.textContent = matchList.length ? `${matchList.length} span${matchList.length > 1 ? 's' : ''} match “${q}” · enter for next` : '';
    return named;
  }
  // opened from a list search: the server matched attribute values too, so the spans are marked
  // once the whole trace is here
  function listSearch(q, pick) {
    search.value = q;
    matchInfo.textContent = `finding “${q}”…`;
    loadAll().then(() => {
      trace.loadedAll = true;
      if (search.value !== q) return;
      const named = showListSearch(q);
      computeVisible();
      if (named && pick) selectSpan(named);
      else drawRows(true);
    }).catch((e) => { if (e.name !== 'AbortError') matchInfo.textContent = `could not search: ${e.message}`; });
  }
  if (params.get('q')) listSearch(params.get('q'), !pickedSpan);
  if (selected) reveal(selected);
  showTab(params.get('tab') || '');
  drawAxis();
  computeVisible();
  drawRows(true);
  if (selected) {
    showPanel(selected);
    const i = visible.indexOf(selected);
    if (i * ROW > window.innerHeight / 2) {
      initialTop = i * ROW - window.innerHeight / 3;
      scroller.scrollTop = initialTop;
      drawRows(true);
    }
  }
  // measured for docs/performance.md: from navigation to the first painted frame of rows and panel
  const built = performance.now();
  requestAnimationFrame(() => {
    laidOut = true;
    setTimeout(() => {
      const done = performance.now();
      window.__ttaObsRender = { traceId: trace.traceId, spans: idx.spans.length, fetchMs: fetched - t0, indexMs: indexed - fetched,
        domMs: built - indexed, frameMs: done - built, renderMs: done - fetched, totalMs: done - t0, at: done };
      waterfall.dataset.renderMs = String(Math.round(done - fetched));
    }, 0);
  });
  return {
    dispose() {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousemove', onMove);
      document.removeEventListener('mouseup', onUp);
    },
    update(p) {
      const q = p.get('q') || '';
      if (q !== search.value.trim()) {
        if (q) listSearch(q, !p.get('span'));
        else {
          search.value = '';
          runSearch();
        }
      }
      const sp = idx.byId.get(p.get('span'));
      if (sp && sp !== selected) selectSpan(sp);
      showTab(p.get('tab') || '');
    },
  };
}

/**
 * The trace's LLM calls as the server stores them (GET /api/llm-calls?traceId=, every page), in
 * time order, with the totals the server sums; a click opens the call's span in the waterfall.
 */
async function loadTraceCalls(section, trace, idx, open) {
  section.append(h('p', { class: 'muted' }, 'Loading LLM calls…'));
  try {
    const calls = [];
    let cursor = null;
    do {
      const page = await api.llmCalls({ traceId: trace.traceId, sort: 'time', order: 'asc', limit: 1000, cursor });
      calls.push(...page.calls);
      cursor = page.nextCursor;
    } while (cursor);
    const t = await api.llmCallTotals({ traceId: trace.traceId });
    const start = idx.startNanos;
    const rows = calls.map((c) => {
      const sp = idx.byId.get(c.spanId);
      const tr = h('tr', { class: c.status === 'error' ? 'has-error' : '', dataset: { spanId: c.spanId }, tabindex: -1 },
        h('td', { class: 'num mono muted' }, `+${fmtMs((Number(c.startTimeUnixNano) - start) / 1e6)}`),
        h('td', { class: 'name' }, sp ? sp.name : c.spanId),
        h('td', null, c.model ? (c.provider ? `${c.provider} / ${c.model}` : c.model) : 'unknown model'),
        h('td', { class: 'num' }, fmtInt(c.inputTokens)),
        h('td', { class: 'num muted' }, fmtInt(c.cachedInputTokens)),
        h('td', { class: 'num' }, fmtInt(c.outputTokens)),
        h('td', { class: 'num muted' }, fmtInt(c.reasoningTokens)),
        h('td', { class: `num ${c.costUsd == null ? 'muted' : ''}`, dataset: { col: 'cost' } }, callCost(c)),
        h('td', { class: 'num' }, fmtMs(c.durationMs)),
        h('td', { class: c.status === 'error' ? 'err-text' : 'muted' }, c.status === 'error' ? 'failed' : 'ok'));
      tr.addEventListener('click', () => { if (sp) open(sp); });
      return tr;
    });
    const cost = t.calls && t.unpricedCalls === t.calls ? 'unknown' : fmtUsd(t.costUsd) + (t.unpricedCalls ? ` + ${fmtInt(t.unpricedCalls)} unpriced` : '');
    clear(section).append(
      h('table', { class: 'traces dense llm-calls' },
        h('thead', null, h('tr', null, ['start', 'span', 'model', 'in', 'cached', 'out', 'reasoning', 'cost', 'latency', 'status']
          .map((x, i) => h('th', { class: i >= 3 && i <= 8 ? 'num' : '' }, x)))),
        h('tbody', null, rows),
        h('tfoot', null, h('tr', { id: 'llm-totals' },
          h('td', null, 'total'), h('td', null, `${fmtInt(t.calls)} calls${t.failedCalls ? `, ${fmtInt(t.failedCalls)} failed` : ''}`), h('td', null, ''),
          h('td', { class: 'num' }, fmtInt(t.inputTokens)), h('td', { class: 'num muted' }, fmtInt(t.cachedInputTokens)),
          h('td', { class: 'num' }, fmtInt(t.outputTokens)), h('td', { class: 'num muted' }, fmtInt(t.reasoningTokens)),
          h('td', { class: 'num', dataset: { col: 'cost' } }, cost), h('td', null, ''), h('td', null, '')))));
  } catch (e) {
    clear(section).append(h('p', { class: 'err-text' }, `Could not load the LLM calls: ${e.message}`));
  }
}


// the server's free-text rule (docs/api.md): every query word starts a word of the span's name, its
// service or one of its attribute values; words shorter than 3 characters must match whole
const words = (text) => String(text).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const wordCache = new WeakMap();
function serverMatch(sp, q) {
  let mine = wordCache.get(sp);
  if (!mine) {
    const parts = [sp.name, sp.resource ? serviceOf(sp) : ''];
    for (const v of Object.values(sp.attributes || {})) parts.push(typeof v.value === 'object' ? JSON.stringify(v.value) : String(v.value));
    mine = words(parts.join(' '));
    if (sp.spanId) wordCache.set(sp, mine);
  }
  return words(q).every((w) => mine.some((m) => (w.length >= 3 ? m.startsWith(w) : m === w)));
}

const textCache = new WeakMap();
function spanText(sp) {
  let t = textCache.get(sp);
  if (t == null) {
    const parts = [sp.name, sp.spanId, sp.status?.message || '', serviceOf(sp)];
    const add = (attrs) => { for (const [k, v] of Object.entries(attrs || {})) parts.push(k, typeof v.value === 'object' ? JSON.stringify(v.value) : String(v.value)); };
    add(sp.attributes);
    for (const e of sp.events || []) { parts.push(e.name); add(e.attributes); }
    t = parts.join('\u0001').toLowerCase();
    textCache.set(sp, t);
  }
  return t;
}

function stripPrivate(value) {
  return JSON.parse(JSON.stringify(value, (k, v) => (k.startsWith('_') ? undefined : v)));
}

async function comparePrevious(trace, s, btn) {
  if (s.baselineTraceId) { location.hash = `#/compare?a=${s.baselineTraceId}&b=${trace.traceId}`; return; }
  btn.textContent = 'looking…';
  try {
    const start = BigInt(String(s.startTimeUnixNano ?? trace.spans[0].startTimeUnixNano));
    const page = await api.traces({ q: s.rootName, service: s.serviceName, end: (start - 1n).toString(), limit: 20 });
    const prev = page.traces.find((t) => t.traceId !== trace.traceId && t.rootName === s.rootName && (t.workflowName || '') === (s.workflowName || ''));
    if (prev) location.hash = `#/compare?a=${prev.traceId}&b=${trace.traceId}`;
    else btn.textContent = 'no earlier run';
  } catch (e) {
    btn.textContent = `failed: ${e.message}`;
  }
}

function section(title, open, ...content) {
  return h('details', { class: 'sec', open: open || null }, h('summary', null, title), ...content);
}

function valueText(v) {
  const p = plain(v);
  if (p == null) return '';
  if (typeof p === 'object') return JSON.stringify(p, null, 2);
  if (typeof p === 'string' && /^\s*[[{]/.test(p)) {
    try {
      return JSON.stringify(JSON.parse(p), null, 2);
    } catch { /* not JSON after all */ }
  }
  return String(p);
}

// the attributes the chat view already shows: their raw JSON stays one click away, not 40 lines long
const CHAT_ATTRIBUTE = /^(gen_ai\.(input|output)\.messages|gen_ai\.system_instructions|gen_ai\.(prompt|completion)\.\d+\..*|llm\.(input|output)_messages\..*)$/;

export function attrTable(attrs, folded) {
  const entries = Object.entries(attrs || {}).sort((a, b) => a[0].localeCompare(b[0]));
  if (!entries.length) return h('p', { class: 'muted small' }, 'none');
  return h('table', { class: 'attrs' }, h('tbody', null, entries.map(([k, v]) => {
    const text = valueText(v);
    return h('tr', null,
      h('th', { class: 'mono', title: v?.type }, k),
      h('td', null, folded && folded.test(k)
        ? h('details', { class: 'folded' }, h('summary', { class: 'muted small' }, `shown above as chat · raw ${fmtInt(text.length)} chars`), h('span', { class: 'mono value' }, text))
        : h('span', { class: 'mono value' }, text)));
  })));
}

/** "Open in editor" for spans that name their code location, when the page runs inside VS Code. */
function openInEditorButton(sp) {
  const file = plainAttr(sp, 'code.file.path') ?? plainAttr(sp, 'code.filepath');
  if (!file || !canOpenFiles()) return null;
  const line = plainAttr(sp, 'code.line.number') ?? plainAttr(sp, 'code.lineno') ?? 1;
  const b = h('button', { type: 'button', class: 'chip', title: `${file}:${line}` }, 'open in editor');
  b.addEventListener('click', () => openInEditor(String(file), line));
  return b;
}

function plainAttr(sp, key) {
  const v = sp.attributes?.[key];
  return v && typeof v === 'object' && 'value' in v ? v.value : undefined;
}

/** Tool-call arguments as indented JSON when they parse, else exactly as the app sent them. */
function prettyArguments(args) {
  if (typeof args !== 'string') return JSON.stringify(args ?? {}, null, 2);
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

/** @param details (span) → a promise of the span with its attributes, events and messages */
function renderPanel(panel, sp, idx, trace, details) {
  clear(panel);
  const llm = llmFacts(sp);
  const exc = exceptions(sp);
  panel.append(
    h('div', { class: 'panel-head' },
      h('h2', null, sp.name),
      h('div', { class: 'chips' },
        h('span', { class: 'stat' }, h('b', null, fmtMs(sp.durationMs)), ' total'),
        sp._slim ? null : h('span', { class: 'stat' }, h('b', null, fmtMs(sp.selfTimeMs)), ' self'),
        h('span', { class: 'stat muted' }, `starts +${fmtMs((sp._start - idx.startNanos) / 1e6)}`),
        h('span', { class: 'stat muted' }, sp.kind || ''),
        h('span', { class: 'stat muted' }, serviceOf(sp)),
        sp._critical ? badge('critical path', 'cp') : null,
        ...primitiveBadges(sp).map((b) => badge(b.text, b.tone, b.title))),
      h('div', { class: 'actions' }, h('span', { class: 'mono muted small' }, sp.spanId), copyButton(sp.spanId, 'copy id'),
        copyButton(async () => JSON.stringify(stripPrivate(await details(sp)), null, 2), 'copy as JSON'), openInEditorButton(sp))));
  // a slim span's error, chat, attributes and events are drawn once its details are here, each once
  if (sp._slim) {
    panel.append(h('p', { class: 'muted small', id: 'span-details-loading' }, 'Loading the span’s details…'));
    return;
  }

  if (isError(sp) || exc.length) {
    panel.append(h('section', { class: 'error-box', id: 'span-error' },
      h('h3', null, 'Error'),
      sp.status?.message ? h('p', { class: 'err-text' }, sp.status.message) : null,
      exc.map((x) => h('div', { class: 'exception' },
        h('p', null, h('b', { class: 'mono' }, x.type || 'exception'), x.message ? `: ${x.message}` : ''),
        x.stacktrace ? h('pre', { class: 'stack' }, x.stacktrace) : h('p', { class: 'muted small' }, 'no stack trace recorded')))));
  }

  if (llm) {
    const cached = llm.cachedInputTokens ? ` (${fmtInt(llm.cachedInputTokens)} cached)` : '';
    const reasoning = llm.reasoningTokens ? ` (${fmtInt(llm.reasoningTokens)} reasoning)` : '';
    panel.append(section('LLM call', true,
      h('div', { class: 'chips llm-facts' },
        h('span', { class: 'stat', id: 'llm-model' }, h('b', null, llm.model || 'unknown model'),
          llm.reportedModel && llm.reportedModel !== llm.model ? h('span', { class: 'mono muted', title: 'the name the call reported' }, ` (${llm.reportedModel})`) : '',
          llm.provider ? ` · ${llm.provider}` : ''),
        llm.usageReported === false
          ? h('span', { class: 'stat muted', id: 'llm-tokens', title: 'the instrumentation sent no token counts for this call' }, 'tokens not reported')
          : h('span', { class: 'stat', id: 'llm-tokens' }, h('b', null, fmtInt(llm.inputTokens)), ` in${cached} · `, h('b', null, fmtInt(llm.outputTokens)), ` out${reasoning}`),
        h('span', { class: `stat ${llm.costUsd == null ? 'muted' : ''}`, id: 'llm-cost', title: costTitle(llm) }, h('b', null, costText(llm, fmtUsd)), llm.costUsd == null ? '' : ` · ${llm.costStatus}`)),
      h('div', { class: 'chat', id: 'chat' }, llm.messages.length ? llm.messages.map(chatMessage) : h('p', { class: 'muted small' }, 'No messages recorded (the app may not capture content).'))));
  }

  const folded = llm && llm.messages.length ? CHAT_ATTRIBUTE : null;
  panel.append(h('details', { class: 'sec', id: 'span-feedback', open: true }, h('summary', null, 'Feedback on this span'),
    feedbackControls({ traceId: trace.traceId, spanId: sp.spanId, get: () => trace.feedback || [], set: (items) => {
      trace.feedback = items;
      const badges = document.getElementById('trace-feedback-badges');
      if (badges) clear(badges).append(feedbackSummary(items) || '');
    } })));
  panel.append(section(`Attributes (${Object.keys(sp.attributes || {}).length})`, true, attrTable(sp.attributes, folded),
    sp.droppedAttributesCount ? h('p', { class: 'warn-text small' }, `${sp.droppedAttributesCount} attributes dropped by the SDK`) : null));
  const events = (sp.events || []);
  if (events.length) {
    panel.append(section(`Events (${events.length})`, true, events.map((e) => h('div', { class: 'event' },
      h('div', null, h('span', { class: 'mono muted', title: 'after the span started' }, `${fmtOffset(e.offsetMs ?? (Number(e.timeUnixNano) - sp._start) / 1e6)} `), h('b', null, e.name)),
      e.name === 'exception' ? null : attrTable(e.attributes)))));
  }
  if ((sp.links || []).length) {
    panel.append(section(`Links (${sp.links.length})`, true, sp.links.map((l) => h('div', { class: 'event' },
      h('a', { class: 'mono', href: `#/trace/${l.traceId}?span=${l.spanId}` }, `${l.traceId} / ${l.spanId}`),
      attrTable(l.attributes)))));
  }
  panel.append(section('Resource', false, attrTable(sp.resource?.attributes)));
  if (sp.scope) panel.append(section('Scope', false, h('p', { class: 'mono small' }, `${sp.scope.name || ''} ${sp.scope.version || ''}`), attrTable(sp.scope.attributes)));
  // only when switching spans: setting scrollTop forces a layout, which the first render must not pay
  if (panel.scrollTop) panel.scrollTop = 0;
}

function chatMessage(m) {
  return h('div', { class: `msg role-${String(m.role).replace(/[^a-z]/gi, '')}` },
    h('div', { class: 'role' }, m.role, m.finishReason ? h('span', { class: 'muted small' }, ` · ${m.finishReason}`) : null),
    m.parts.map((p) => p.type === 'tool_call'
      ? h('div', { class: 'tool-call' }, h('span', { class: 'muted' }, '→ tool call '), h('b', { class: 'mono' }, p.name || '?'),
        h('pre', { class: 'mono' }, prettyArguments(p.arguments)))
      : p.type === 'tool_result'
        ? h('div', { class: 'tool-call' }, h('span', { class: 'muted' }, '← tool result '), h('pre', { class: 'mono' }, typeof p.content === 'string' ? p.content : JSON.stringify(p.content, null, 2)))
        : h('div', { class: 'text' }, p.content)));
}
