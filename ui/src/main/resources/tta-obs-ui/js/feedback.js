import { apiError } from './api.js';
import { badge, clear, h } from './dom.js';

// Feedback on a trace or a span: thumbs up/down and a comment, stored through the API
// (POST /api/traces/{id}/feedback), shown as badges. Every value is text: h() never parses HTML.
// The thumbs are ▲/▼ rather than emoji: without an emoji font a browser shows empty boxes.

async function send(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw await apiError(r);
  return r.status === 204 ? null : r.json();
}

export const feedbackApi = {
  add: (traceId, item) => send('POST', `/api/traces/${encodeURIComponent(traceId)}/feedback`, item),
  remove: (traceId, id) => send('DELETE', `/api/traces/${encodeURIComponent(traceId)}/feedback/${encodeURIComponent(id)}`),
};

const fmtScore = (s) => (Number.isInteger(s) ? String(s) : Number(s).toFixed(2));

/** One item as a badge: "▼ bad", "relevance 0.25", "correctness: pass"; its comment as the title. */
export function feedbackBadge(f) {
  const tone = f.polarity === 'positive' ? 'ok' : f.polarity === 'negative' ? 'err' : 'info';
  let text;
  if (f.name === 'thumbs' && (f.label === 'up' || f.label === 'down')) text = f.label === 'up' ? '▲ good' : '▼ bad';
  else text = `${f.name}${f.score != null ? ` ${fmtScore(f.score)}` : ''}${f.label != null ? `: ${f.label}` : ''}`;
  const title = [`${f.name} (${f.source})`, f.score != null ? `score ${f.score}` : null, f.label != null ? `label ${f.label}` : null,
    f.comment].filter(Boolean).join(' · ');
  const b = badge(text, `feedback ${tone}`, title);
  b.dataset.feedbackId = String(f.id);
  return b;
}

/** Badges for a list row or a compare column: thumbs counted, scores by name (the latest of each). */
export function feedbackSummary(items) {
  if (!items || !items.length) return null;
  const up = items.filter((f) => f.name === 'thumbs' && f.label === 'up').length;
  const down = items.filter((f) => f.name === 'thumbs' && f.label === 'down').length;
  const latest = new Map();
  for (const f of items) if (!(f.name === 'thumbs' && (f.label === 'up' || f.label === 'down')) && (f.score != null || f.label != null)) latest.set(f.name, f);
  const out = [];
  if (up) out.push(badge(`▲${up > 1 ? ` ${up}` : ''}`, 'feedback ok', `${up} thumbs up`));
  if (down) out.push(badge(`▼${down > 1 ? ` ${down}` : ''}`, 'feedback err', `${down} thumbs down`));
  for (const f of latest.values()) out.push(feedbackBadge(f));
  return h('span', { class: 'feedback-badges' }, out);
}

/**
 * Thumbs up / down and a comment for a trace (spanId null) or one of its spans. get() returns the
 * trace's feedback as the page has it now (the trace's and its spans' controls share it); set(items)
 * is called with the whole list after each change.
 */
export function feedbackControls({ traceId, spanId = null, get, set }) {
  const mine = () => get().filter((f) => (f.spanId || null) === spanId);
  const what = spanId ? 'this span' : 'this run';
  const up = h('button', { type: 'button', class: 'chip thumb', 'aria-label': `Good: thumbs up for ${what}`, title: `Thumbs up for ${what}` }, '▲ good');
  const down = h('button', { type: 'button', class: 'chip thumb', 'aria-label': `Bad: thumbs down for ${what}`, title: `Thumbs down for ${what}` }, '▼ bad');
  const comment = h('textarea', { class: 'feedback-comment', rows: 2, maxlength: 10000, placeholder: `What was good or wrong about ${what}? (optional)`, 'aria-label': `Comment on ${what}` });
  const save = h('button', { type: 'button', class: 'chip' }, 'add comment');
  const status = h('span', { class: 'muted small', role: 'status' });
  const list = h('ul', { class: 'feedback-list' });

  function draw() {
    clear(list);
    const own = mine();
    const thumbs = own.filter((f) => f.name === 'thumbs');
    const last = thumbs.length ? thumbs[thumbs.length - 1].label : null;
    up.setAttribute('aria-pressed', String(last === 'up'));
    down.setAttribute('aria-pressed', String(last === 'down'));
    for (const f of own) {
      const remove = h('button', { type: 'button', class: 'link small', 'aria-label': `Delete feedback ${f.name}` }, 'delete');
      remove.addEventListener('click', () => act(async () => {
        await feedbackApi.remove(traceId, f.id);
        set(get().filter((x) => x.id !== f.id));
      }, 'deleted'));
      list.append(h('li', null, feedbackBadge(f), f.comment ? h('span', { class: 'feedback-text' }, f.comment) : null,
        h('span', { class: 'muted small' }, ` ${f.source}`), ' ', remove));
    }
  }

  async function act(fn, done) {
    for (const b of [up, down, save]) b.disabled = true;
    status.textContent = 'saving…';
    status.className = 'muted small';
    try {
      await fn();
      status.textContent = done;
      draw();
    } catch (e) {
      status.textContent = `could not save: ${e.message}`;
      status.className = 'err-text small';
    } finally {
      for (const b of [up, down, save]) b.disabled = false;
    }
  }

  function give(body) {
    const text = comment.value.trim();
    return act(async () => {
      const stored = await feedbackApi.add(traceId, { ...body, spanId: spanId || undefined, comment: text || undefined, source: 'dashboard' });
      set(get().concat([stored]));
      comment.value = '';
    }, 'saved');
  }

  up.addEventListener('click', () => give({ name: 'thumbs', score: 1, label: 'up' }));
  down.addEventListener('click', () => give({ name: 'thumbs', score: 0, label: 'down' }));
  save.addEventListener('click', () => {
    if (!comment.value.trim()) {
      status.textContent = 'type a comment first, or use the thumbs';
      status.className = 'warn-text small';
      comment.focus();
      return;
    }
    give({ name: 'comment', label: 'comment' });
  });
  draw();
  const el = h('div', { class: 'feedback-box', dataset: { feedbackFor: spanId || 'trace' } },
    h('div', { class: 'feedback-row' }, up, down, comment, save, status), list);
  el.redraw = draw;
  return el;
}
