import { api } from './api.js';
import { badge, clear, fmtAgo, fmtInt, fmtMs, fmtTime, fmtTokens, fmtUsd, h } from './dom.js';
import { navigate } from './router.js';
import { feedbackSummary } from './feedback.js';

// Sessions: traces sharing a session id (session.id, gen_ai.conversation.id, ...), listed, and one
// read as a conversation. Every telemetry string reaches the page as text (h() never parses HTML).

const PAGE = 50;
const STATUS_TONE = { failed: 'err', recovered: 'warn', ok: 'ok' };

const sessionHref = (id) => `#/session/${encodeURIComponent(id)}`;

export function renderSessions({ root, params }) {
  const controller = new AbortController();
  let cursor = null;
  const user = h('input', { type: 'search', class: 'search', placeholder: 'User id', 'aria-label': 'Filter by user', value: params.get('user') || '' });
  const status = h('select', { 'aria-label': 'Status' }, [['', 'any status'], ['failed', 'failed'], ['recovered', 'recovered'], ['ok', 'ok']]
    .map(([v, label]) => h('option', { value: v }, label)));
  const sort = h('select', { 'aria-label': 'Sort' }, [['newest', 'latest turn first'], ['oldest', 'oldest first'], ['duration', 'longest'], ['cost', 'costliest'], ['turns', 'most turns']]
    .map(([v, label]) => h('option', { value: v }, label)));
  status.value = params.get('status') || '';
  sort.value = params.get('sort') || 'newest';
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'chip', hidden: true }, 'load more');
  const empty = h('div', { class: 'empty', hidden: true });
  root.append(
    h('h1', null, 'Sessions'),
    h('div', { class: 'toolbar' }, user, status, sort),
    h('table', { class: 'traces dense', id: 'sessions-table' },
      h('thead', null, h('tr', null, ['session', 'user', 'turns', 'last turn', 'duration', 'tokens', 'cost', 'errors', 'status']
        .map((c) => h('th', { class: ['turns', 'tokens', 'cost', 'errors'].includes(c) ? 'num' : '' }, c)))),
      body),
    empty, more,
    h('p', { class: 'hint muted' }, 'A session is the traces that share a session id (session.id, gen_ai.conversation.id, langfuse.session.id).'));

  function change() {
    const p = new URLSearchParams();
    if (user.value.trim()) p.set('user', user.value.trim());
    if (status.value) p.set('status', status.value);
    if (sort.value !== 'newest') p.set('sort', sort.value);
    navigate('/sessions', p, { replace: true });
    load(false);
  }

  function row(s) {
    const link = h('a', { href: sessionHref(s.sessionId), class: 'mono' }, s.sessionId);
    const tr = h('tr', { class: s.status === 'failed' ? 'has-error' : '', dataset: { sessionId: s.sessionId } },
      h('td', { class: 'name' }, link),
      h('td', { class: 'muted' }, s.userId || ''),
      h('td', { class: 'num' }, fmtInt(s.traceCount)),
      h('td', { class: 'mono muted', title: fmtAgo(s.endTimeUnixNano) }, fmtTime(s.endTimeUnixNano)),
      h('td', null, fmtMs(s.durationMs)),
      h('td', { class: 'num', title: `${s.inputTokens} in / ${s.outputTokens} out` }, fmtTokens((s.inputTokens || 0) + (s.outputTokens || 0))),
      h('td', { class: 'num' }, s.costUsd == null ? '' : fmtUsd(s.costUsd)),
      h('td', { class: `num ${s.errorCount ? 'err-text' : 'muted'}` }, String(s.errorCount)),
      h('td', null, badge(s.status, STATUS_TONE[s.status])));
    tr.addEventListener('click', (e) => {
      if (!e.target.closest('a')) location.hash = sessionHref(s.sessionId);
    });
    return tr;
  }

  async function load(append) {
    try {
      const page = await api.sessions({ limit: PAGE, cursor: append ? cursor : null, user: user.value.trim(), status: status.value,
        sort: sort.value === 'newest' ? '' : sort.value }, controller.signal);
      if (!append) clear(body);
      for (const s of page.sessions) body.append(row(s));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      empty.hidden = body.children.length > 0;
      empty.textContent = 'No sessions yet. Traces join a session when a span carries session.id, gen_ai.conversation.id or langfuse.session.id.';
    } catch (e) {
      if (e.name === 'AbortError') return;
      empty.hidden = false;
      empty.textContent = `Could not load sessions: ${e.message}`;
    }
  }

  let timer;
  user.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(change, 250); });
  // the search field's own clear button fires "search", not "input"
  user.addEventListener('search', () => { clearTimeout(timer); change(); });
  status.addEventListener('change', change);
  sort.addEventListener('change', change);
  more.addEventListener('click', () => load(true));
  load(false);
  return () => controller.abort();
}

export function renderSession({ root }, sessionId) {
  const controller = new AbortController();
  root.append(h('p', { class: 'muted' }, 'Loading session…'));
  api.session(sessionId, controller.signal).then((s) => {
    clear(root).append(view(s));
  }).catch((e) => {
    if (e.name === 'AbortError') return;
    clear(root).append(h('div', { class: 'empty' },
      e.status === 404 ? `No stored trace has session id ${sessionId}.` : `Could not load the session: ${e.message}`,
      ' ', h('a', { href: '#/sessions' }, 'Back to sessions')));
  });
  return () => controller.abort();
}

function view(s) {
  const tokens = (s.inputTokens || 0) + (s.outputTokens || 0);
  return h('div', { class: 'session' },
    h('div', { class: 'crumbs' }, h('a', { href: '#/sessions', class: 'back' }, '← sessions')),
    h('h1', null, 'Session ', h('span', { class: 'mono' }, s.sessionId)),
    h('div', { class: 'chips', id: 'session-totals' },
      s.userId ? h('span', { class: 'stat' }, 'user ', h('b', null, s.userId)) : null,
      h('span', { class: 'stat' }, h('b', null, fmtInt(s.traceCount)), ` turn${s.traceCount === 1 ? '' : 's'}`),
      h('span', { class: 'stat' }, h('b', null, fmtMs(s.durationMs)), ' from first to last'),
      h('span', { class: 'stat' }, h('b', null, fmtTokens(tokens)), ' tokens'),
      h('span', { class: 'stat' }, h('b', null, s.costUsd == null ? 'unpriced' : fmtUsd(s.costUsd)), ' cost'),
      h('span', { class: `stat ${s.errorCount ? 'err-text' : ''}` }, h('b', null, String(s.errorCount)), ' failed'),
      badge(s.status, STATUS_TONE[s.status]),
      h('span', { class: 'stat muted' }, fmtTime(s.startTimeUnixNano))),
    h('ol', { class: 'conversation', id: 'conversation' }, s.traces.map((t, i) => turn(t, i))),
    s.traces.length < s.traceCount ? h('p', { class: 'muted small' }, `The first ${s.traces.length} of ${s.traceCount} turns.`) : null);
}

function turn(t, i) {
  const tokens = (t.inputTokens || 0) + (t.outputTokens || 0);
  const open = `#/trace/${t.traceId}`;
  return h('li', { class: `turn ${t.outcome === 'failed' ? 'has-error' : ''}`, dataset: { traceId: t.traceId } },
    h('div', { class: 'turn-head' },
      h('a', { href: open, class: 'turn-link', title: 'Open this turn\'s trace' }, `Turn ${i + 1}`),
      h('span', { class: 'muted small' }, ` ${t.rootName} · ${fmtTime(t.startTimeUnixNano)}`),
      h('span', { class: 'stat' }, h('b', null, fmtMs(t.durationMs)), ' latency'),
      t.llmCalls ? h('span', { class: 'stat' }, h('b', null, fmtTokens(tokens)), ' tokens') : null,
      t.costUsd != null ? h('span', { class: 'stat' }, h('b', null, fmtUsd(t.costUsd)), ' cost') : null,
      t.outcome !== 'ok' ? badge(t.outcome, STATUS_TONE[t.outcome]) : null,
      feedbackSummary(t.feedback)),
    h('div', { class: 'msg role-user' }, h('div', { class: 'role' }, 'user'),
      t.input != null ? h('div', { class: 'text' }, t.input) : h('div', { class: 'text muted' }, 'no input recorded')),
    t.tools && t.tools.length ? h('div', { class: 'turn-tools' }, h('span', { class: 'muted small' }, 'tools '), t.tools.map((n) => badge(n, 'model'))) : null,
    h('div', { class: 'msg role-assistant' }, h('div', { class: 'role' }, 'answer'),
      t.output != null ? h('div', { class: 'text' }, t.output) : h('div', { class: 'text muted' }, t.outcome === 'failed' ? 'the run failed before answering' : 'no answer recorded')));
}
