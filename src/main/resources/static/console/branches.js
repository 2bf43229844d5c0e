// The branch table: filters, sorting, selection, and the details panel of one branch.
import { call, get } from './api.js';
import { el, bytes, since, until, when, labels, idle } from './format.js';
import { confirmDelete } from './bulk.js';

const SORTS = {
  age: (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  'age-asc': (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
  size: (a, b) => (b.diskUsageBytes ?? -1) - (a.diskUsageBytes ?? -1),
  idle: (a, b) => Date.parse(a.lastActivityAt || a.createdAt) - Date.parse(b.lastActivityAt || b.createdAt),
  expiry: (a, b) => Date.parse(a.expiresAt || '9999-01-01') - Date.parse(b.expiresAt || '9999-01-01'),
  name: (a, b) => a.name.localeCompare(b.name),
};

export class Branches {
  constructor(session, notify) {
    this.canWrite = session.scopes.includes('write');
    this.notify = notify;
    this.items = [];
    this.byName = new Map();
    this.selected = new Set();
    this.open = null;
    this.signature = '';
    this.tbody = document.querySelector('#branches tbody');
    this.form = document.getElementById('filters');
    this.form.addEventListener('input', () => this.render(true));
    this.form.addEventListener('submit', (e) => e.preventDefault());
    this.tbody.addEventListener('change', (e) => this.toggle(e));
    this.tbody.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-open]');
      if (button) this.details(button.dataset.open);
    });
    const all = document.getElementById('select-all');
    if (all) all.addEventListener('change', () => this.selectAll(all.checked));
    const bulk = document.getElementById('bulk-delete');
    if (bulk) bulk.addEventListener('click', () => this.bulkDelete([...this.selected]));
    this.wireDetails();
  }

  async refresh() {
    const answer = await get('/api/v1/console/branches');
    this.items = answer.items;
    this.byName = new Map(this.items.map((b) => [b.name, b]));
    for (const name of [...this.selected]) if (!this.byName.has(name)) this.selected.delete(name);
    this.fillTemplates();
    this.render(false);
    if (this.open) {
      if (this.byName.has(this.open)) this.showDetails(this.byName.get(this.open));
      else this.closeDetails();
    }
  }

  fillTemplates() {
    const select = document.getElementById('f-template');
    const names = [...new Set(this.items.map((b) => b.template))].sort();
    const have = [...select.options].slice(1).map((o) => o.value);
    if (names.join() === have.join()) return;
    const current = select.value;
    select.replaceChildren(el('option', { value: '', text: 'any' }), ...names.map((n) => el('option', { value: n, text: n })));
    select.value = names.includes(current) ? current : '';
  }

  filtered() {
    const f = Object.fromEntries(new FormData(this.form));
    const text = (f.text || '').trim().toLowerCase();
    const creator = (f.creator || '').trim().toLowerCase();
    const wanted = (f.label || '').trim().split(/\s+/).filter(Boolean).map((l) => l.split('='));
    return this.items.filter((b) => (!f.status || b.status === f.status)
        && (!f.template || b.template === f.template)
        && (!creator || (b.createdBy || '').toLowerCase().includes(creator))
        && wanted.every(([k, v]) => (v === undefined ? k in (b.labels || {}) : (b.labels || {})[k] === v))
        && (!text || `${b.name} ${labels(b.labels)} ${b.createdBy} ${b.template}`.toLowerCase().includes(text)))
      .sort(SORTS[f.sort] || SORTS.age);
  }

  /** Rebuilds the rows only when what they show changed: a poll that brings nothing new costs no DOM work. */
  render(force) {
    const shown = this.filtered();
    const now = Date.now();
    const minute = Math.floor(now / 60000);
    const signature = `${minute}|${[...this.selected].join()}|${JSON.stringify(shown)}`;
    if (!force && signature === this.signature) return;
    this.signature = signature;
    const rows = document.createDocumentFragment();
    for (const b of shown) rows.append(this.row(b, now));
    this.tbody.replaceChildren(rows);
    document.getElementById('shown-count').textContent = `${shown.length} of ${this.items.length} branches shown`;
    this.updateSelection(shown);
  }

  row(b, now) {
    const tr = el('tr', { 'data-name': b.name, class: b.protectedBranch ? 'protected' : null });
    if (this.canWrite) {
      tr.append(el('td', {}, el('input', {
        type: 'checkbox', 'data-select': b.name, 'aria-label': `Select ${b.name}`, checked: this.selected.has(b.name),
      })));
    }
    tr.append(
      el('td', {}, el('button', { type: 'button', class: 'link', 'data-open': b.name, text: b.name }),
        b.protectedBranch ? el('span', { class: 'badge', title: 'protected', text: 'protected' }) : null),
      el('td', { text: `${b.template} r${b.templateRevision}` }),
      el('td', { class: 'wide', text: b.parentBranch || '–' }),
      el('td', {}, el('span', { class: `st st-${b.status.toLowerCase()}`, text: b.status })),
      el('td', { class: 'wide', text: labels(b.labels) }),
      el('td', { class: 'wide', text: b.createdBy || '–' }),
      el('td', { text: since(b.createdAt, now) }),
      el('td', { class: 'wide', text: until(b.expiresAt, now) }),
      el('td', { class: 'wide', text: since(b.lastActivityAt, now) }),
      el('td', { class: 'num', text: bytes(b.diskUsageBytes) }),
    );
    return tr;
  }

  toggle(e) {
    const name = e.target.dataset.select;
    if (!name) return;
    if (e.target.checked) this.selected.add(name); else this.selected.delete(name);
    this.updateSelection(null);
  }

  selectAll(on) {
    for (const b of this.filtered()) if (on) this.selected.add(b.name); else this.selected.delete(b.name);
    this.render(true);
  }

  updateSelection(shown) {
    const count = document.getElementById('selected-count');
    if (!count) return;
    count.textContent = `${this.selected.size} selected`;
    document.getElementById('bulk-delete').disabled = this.selected.size === 0;
    if (shown) {
      const all = document.getElementById('select-all');
      all.checked = shown.length > 0 && shown.every((b) => this.selected.has(b.name));
    }
  }

  bulkDelete(names) {
    confirmDelete(names.map((n) => this.byName.get(n)).filter(Boolean), async (deleted) => {
      deleted.forEach((n) => this.selected.delete(n));
      await this.refresh();
    });
  }

  // ------------------------------------------------------------------ details of one branch

  details(name) {
    this.open = name;
    this.revealed = null;
    document.getElementById('schema-view').hidden = true;
    document.getElementById('schema-body').replaceChildren();
    this.showDetails(this.byName.get(name));
    document.getElementById('details').hidden = false;
    document.getElementById('details-close').focus();
  }

  closeDetails() {
    this.open = null;
    document.getElementById('details').hidden = true;
  }

  showDetails(b) {
    const now = Date.now();
    document.getElementById('details-title').textContent = b.name;
    const fields = [['Status', b.failureReason ? `${b.status}: ${b.failureReason}` : b.status],
      ['Template', `${b.template} revision ${b.templateRevision}`], ['Parent branch', b.parentBranch || '–'],
      ['Labels', labels(b.labels) || '–'], ['Created by', b.createdBy], ['Created', when(b.createdAt)],
      ['Expires', `${when(b.expiresAt)} (${until(b.expiresAt, now)})`], ['Last activity', when(b.lastActivityAt)],
      ['Own disk', bytes(b.diskUsageBytes)], ['Protected', b.protectedBranch ? 'yes' : 'no'],
      ['Idle suspend', idle(b)]];
    document.getElementById('details-fields').replaceChildren(
      ...fields.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { 'data-field': k, text: v })]));
    const c = b.connection;
    // the URI as handed out (the gateway's, with sslmode and the branch's endpoint option), password masked
    document.getElementById('conn-uri').textContent = this.revealed || c.uri.replace('@', ':••••••@');
    document.getElementById('conn-copy').hidden = !this.revealed;
    const reveal = document.getElementById('conn-reveal');
    if (reveal) reveal.hidden = Boolean(this.revealed);
    const protect = document.getElementById('protect');
    if (protect) protect.textContent = b.protectedBranch ? 'Unprotect' : 'Protect';
    const suspend = document.getElementById('suspend');
    if (suspend) suspend.hidden = b.status !== 'READY';
    const wake = document.getElementById('wake');
    if (wake) wake.hidden = b.status !== 'SUSPENDED';
  }

  wireDetails() {
    const on = (id, action) => {
      const node = document.getElementById(id);
      if (node) node.addEventListener('click', () => action(this.byName.get(this.open)).catch((e) => this.notify(e, true)));
    };
    document.getElementById('details-close').addEventListener('click', () => this.closeDetails());
    on('conn-reveal', async (b) => {
      this.revealed = (await call('POST', `/api/v1/branches/${encodeURIComponent(b.name)}/reveal`)).uri;
      this.showDetails(b);
      this.notify(`Connection string of ${b.name} revealed (recorded in the audit log)`);
    });
    on('conn-copy', async () => {
      await navigator.clipboard.writeText(this.revealed);
      this.notify('Copied');
    });
    on('extend', async (b) => {
      const ttl = document.getElementById('extend-by').value;
      const updated = await call('PATCH', `/api/v1/branches/${encodeURIComponent(b.name)}`, { ttl });
      this.notify(`${b.name} now expires ${when(updated.expiresAt)}`);
      await this.refresh();
    });
    on('protect', async (b) => {
      await call('PATCH', `/api/v1/branches/${encodeURIComponent(b.name)}`, { protectedBranch: !b.protectedBranch });
      this.notify(`${b.name} is ${b.protectedBranch ? 'no longer protected' : 'protected'}`);
      await this.refresh();
    });
    on('suspend', async (b) => {
      this.notify(`Suspending ${b.name}…`);
      await call('POST', `/api/v1/branches/${encodeURIComponent(b.name)}/suspend`);
      this.notify(`${b.name} is suspended; a connection wakes it`);
      await this.refresh();
    });
    on('wake', async (b) => {
      this.notify(`Waking ${b.name}…`);
      await call('POST', `/api/v1/branches/${encodeURIComponent(b.name)}/wake`);
      this.notify(`${b.name} is awake`);
      await this.refresh();
    });
    on('reset', async (b) => {
      const button = document.getElementById('reset');
      if (button.dataset.armed !== b.name) {
        button.dataset.armed = b.name;
        button.textContent = `Confirm reset of ${b.name} (its data is lost)`;
        return;
      }
      delete button.dataset.armed;
      button.textContent = 'Reset…';
      this.notify(`Resetting ${b.name}…`);
      await call('POST', `/api/v1/branches/${encodeURIComponent(b.name)}/reset`);
      this.notify(`${b.name} was reset to its parent`);
      await this.refresh();
    });
    on('delete-one', async (b) => this.bulkDelete([b.name]));
  }
}
