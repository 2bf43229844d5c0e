// The other tabs: cleanup suggestions, templates, the audit log and tokens.
import { call, get, query } from './api.js';
import { el, bytes, when, labels } from './format.js';
import { confirmDelete } from './bulk.js';

export class Cleanup {
  constructor(session, branches, notify) {
    this.canWrite = session.scopes.includes('write');
    this.branches = branches;
    this.notify = notify;
    document.getElementById('cleanup-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.refresh().catch((err) => notify(err, true));
    });
  }

  async refresh() {
    const days = document.getElementById('idle-days').value || 7;
    const answer = await get(`/api/v1/console/cleanup${query({ idleDays: days })}`);
    document.getElementById('cleanup-groups').replaceChildren(...answer.groups.map((g) => this.group(g)));
  }

  group(g) {
    const section = el('section', { class: 'card group', 'data-group': g.key, 'aria-labelledby': `group-${g.key}` },
      el('h2', { id: `group-${g.key}`, text: `${g.title} (${g.branches.length})` }),
      el('p', { class: 'hint', text: g.why + (g.protectedCount ? `; ${g.protectedCount} protected` : '') }),
      el('p', { class: 'names', text: g.branches.length ? g.branches.join(', ') : 'nothing here' }));
    if (this.canWrite && g.branches.length) {
      section.append(el('button', {
        type: 'button', class: 'destructive', 'data-action': g.key, text: `Delete these ${g.branches.length}…`,
        onclick: async () => {
          await this.branches.refresh();
          confirmDelete(g.branches.map((n) => this.branches.byName.get(n)).filter(Boolean), async () => {
            await this.branches.refresh();
            await this.refresh();
          });
        },
      }));
    }
    return section;
  }
}

export class Templates {
  constructor(session, notify) {
    this.canWrite = session.scopes.includes('write');
    // a template is shared by every owner's branches: only a token without limits changes one
    this.canChange = this.canWrite && session.unlimited;
    this.notify = notify;
  }

  async refresh() {
    const answer = await get('/api/v1/templates');
    const rows = answer.items.flatMap((t) => t.revisions.slice().reverse().map((r, i) => el('tr', { 'data-template': t.name },
      el('td', { text: i === 0 ? t.name : '' }), el('td', { class: 'num', text: i === 0 ? String(t.postgresVersion) : '' }),
      el('td', { text: `r${r.revision}${r.revision === t.latestRevision ? ' (latest)' : ''}` }),
      el('td', { text: r.source || t.source.type }), el('td', { class: 'num', text: bytes(r.imageSizeBytes) }),
      el('td', { class: 'num', text: bytes(r.databaseSizeBytes) }), el('td', { class: 'num', text: String(r.branchCount) }),
      el('td', { text: when(r.createdAt) }),
      this.canChange && i === 0 ? el('td', {}, el('button', {
        type: 'button', text: 'Refresh', 'aria-label': `Refresh template ${t.name} into a new revision`,
        onclick: (e) => this.refreshTemplate(t.name, e.target),
      })) : this.canWrite ? el('td') : null)));
    document.querySelector('#templates tbody').replaceChildren(...rows);
  }

  async refreshTemplate(name, button) {
    button.disabled = true;
    this.notify(`Refreshing ${name}: building a new revision…`);
    try {
      const t = await call('POST', `/api/v1/templates/${encodeURIComponent(name)}/refresh`, {});
      this.notify(`${name} is at revision ${t.latestRevision}`);
      await this.refresh();
    } catch (e) {
      this.notify(e, true);
      button.disabled = false;
    }
  }
}

export class Audit {
  constructor(notify) {
    this.form = document.getElementById('audit-form');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.refresh().catch((err) => notify(err, true));
    });
  }

  async refresh() {
    const f = Object.fromEntries(new FormData(this.form));
    const answer = await get(`/api/v1/audit${query({
      actor: f.actor, action: f.action, target: f.target, since: f.since ? new Date(f.since).toISOString() : '', limit: 200,
    })}`);
    document.querySelector('#audit tbody').replaceChildren(...answer.items.map((e) => el('tr', {},
      el('td', { text: when(e.at) }), el('td', { text: e.actor }), el('td', { text: e.channel }),
      el('td', { text: e.action }), el('td', { text: e.target || '–' }),
      el('td', { class: e.outcome === 'success' ? 'ok' : 'failed', text: e.outcome }), el('td', { text: e.detail || '' }))));
  }
}

export class Tokens {
  constructor(notify) {
    this.notify = notify;
    this.form = document.getElementById('token-form');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.issue().catch((err) => notify(err, true));
    });
    document.getElementById('issued-copy').addEventListener('click', () => navigator.clipboard
      .writeText(document.getElementById('issued-secret').textContent).then(() => notify('Copied')));
  }

  async issue() {
    const data = new FormData(this.form);
    const issued = await call('POST', '/api/v1/tokens', {
      name: data.get('name'), scopes: data.getAll('scope'),
      expiresAt: data.get('expiresAt') ? new Date(data.get('expiresAt')).toISOString() : undefined,
    });
    document.getElementById('issued-secret').textContent = issued.token;
    document.getElementById('issued').hidden = false;
    this.form.reset();
    await this.refresh();
  }

  async refresh() {
    const answer = await get('/api/v1/tokens');
    document.querySelector('#tokens tbody').replaceChildren(...answer.items.map((t) => el('tr', { 'data-token': t.name },
      el('td', { text: t.name }), el('td', {}, el('code', { text: `${t.prefix}…` })), el('td', { text: t.scopes.join(' ') }),
      el('td', { text: [t.templates.join(' '), labels(t.requiredLabels)].filter(Boolean).join('; ') || 'none' }),
      el('td', { text: `${when(t.createdAt)} by ${t.createdBy}` }), el('td', { text: when(t.lastUsedAt) }),
      el('td', { text: t.revokedAt ? `revoked ${when(t.revokedAt)}` : 'live' }),
      el('td', {}, t.revokedAt ? null : el('button', {
        type: 'button', class: 'destructive', 'aria-label': `Revoke token ${t.name}`, text: 'Revoke',
        onclick: () => this.revoke(t.name).catch((e) => this.notify(e, true)),
      })))));
  }

  async revoke(name) {
    await call('DELETE', `/api/v1/tokens/${encodeURIComponent(name)}`);
    document.getElementById('issued').hidden = true;
    this.notify(`Token ${name} revoked`);
    await this.refresh();
  }
}
