import { api } from './api.js';
import { clear, fmtInt, fmtUsd, h } from './dom.js';

/** The banner's sentences for a crossed budget (/api/stats "budget"), or null while within it. */
export function budgetMessage(b) {
  if (!b || !b.exceeded) return null;
  const parts = [];
  if (b.dailyExceeded) {
    parts.push(`${fmtUsd(b.spentTodayUsd)} spent today, over the ${fmtUsd(b.dailyUsd)} daily budget.`);
  }
  if (b.runsOverBudget > 0) {
    const n = b.runsOverBudget;
    parts.push(`${n >= 1000 ? '1000+' : fmtInt(n)} ${n === 1 ? 'run' : 'runs'} today cost more than the `
      + `${fmtUsd(b.runUsd)} run budget.`);
  }
  return parts.join(' ');
}

/**
 * Keeps the budget banner in step with the service: filled from /api/stats, then changed by the
 * live feed's "budget" messages (sent when a budget is crossed); while the feed polls, the stats
 * are asked again every 10 s instead.
 */
export function watchBudget(live, el) {
  const show = (b) => {
    const text = budgetMessage(b);
    clear(el);
    el.hidden = !text;
    if (!text) return;
    el.appendChild(h('strong', null, '⚠ Budget exceeded: '));
    el.appendChild(document.createTextNode(text));
    if (b.costliestRun) {
      el.appendChild(document.createTextNode(' '));
      el.appendChild(h('a', { href: `#/trace/${encodeURIComponent(b.costliestRun.traceId)}` },
        `Costliest run: ${fmtUsd(b.costliestRun.costUsd)}`));
    }
  };
  const refresh = () => api.stats().then((s) => show(s && s.budget)).catch(() => {});
  live.onBudget = show;
  refresh();
  setInterval(() => { if (live.mode !== 'websocket') refresh(); }, 10000);
}
