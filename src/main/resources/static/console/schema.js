// A branch's schema in the details panel: its Flyway migration history and what changed against
// its parent (the template revision it came from, or its parent branch as it is now), another
// live branch, or any revision of its template, as the picker says. All are plain REST reads
// (GET .../migrations and GET .../diff); nothing here changes a branch.
import { get } from './api.js';
import { el, when } from './format.js';

const $ = (id) => document.getElementById(id);

export class Schema {
  constructor(branches, notify) {
    this.branches = branches;
    this.notify = notify;
    $('show-migrations').addEventListener('click', () => this.migrations().catch((e) => this.failed(e)));
    $('show-diff').addEventListener('click', () => this.diff().catch((e) => this.failed(e)));
    $('diff-against').addEventListener('focus', () => this.choices().catch((e) => this.failed(e)));
  }

  /** The picker's choices: its parent, each revision of its template, each other live branch. */
  async choices() {
    const b = this.branches.byName.get(this.branches.open);
    const select = $('diff-against');
    if (!b || select.dataset.for === b.name) return;
    const t = await get(`/api/v1/templates/${encodeURIComponent(b.template)}`);
    const revisions = (t.revisions || []).map((r) => el('option', {
      value: `template=${encodeURIComponent(b.template)}&revision=${r.revision}`,
      text: `template ${b.template} revision ${r.revision}` }));
    const others = this.branches.items.filter((o) => o.name !== b.name).map((o) => el('option', {
      value: `against=${encodeURIComponent(o.name)}`, text: `branch ${o.name}` }));
    select.replaceChildren(el('option', { value: '', text: 'its parent' }), ...revisions, ...others);
    select.dataset.for = b.name;
  }

  name() {
    return encodeURIComponent(this.branches.open);
  }

  async migrations() {
    this.clear('Reading the migration history…');
    const h = await get(`/api/v1/branches/${this.name()}/migrations`);
    const rows = h.items.map((m) => el('tr', { 'data-version': m.version || '' },
      el('td', { text: m.version || '–' }), el('td', { text: m.description }), el('td', { text: m.type }),
      el('td', { text: when(m.installedOn) }), el('td', { text: m.installedBy }),
      el('td', { class: m.success ? 'ok' : 'failed', text: m.success ? 'ok' : 'failed' })));
    const head = el('tr', {}, ...['Version', 'Description', 'Type', 'Installed', 'By', 'Result'].map((t) => el('th', { scope: 'col', text: t })));
    $('schema-title').textContent = `Schema version ${h.schemaVersion || 'none'}: ${h.items.length} migration${h.items.length === 1 ? '' : 's'}`;
    $('schema-body').replaceChildren(h.items.length === 0 ? el('p', { class: 'hint', text: 'No migration was ever applied.' })
      : el('div', { class: 'table-wrap' }, el('table', { id: 'migration-history', class: 'grid' }, el('thead', {}, head), el('tbody', {}, ...rows))));
  }

  async diff() {
    const against = $('diff-against').dataset.for === this.branches.open ? $('diff-against').value : '';
    this.clear(against ? 'Comparing…' : 'Comparing with the parent…');
    const d = await get(`/api/v1/branches/${this.name()}/diff${against ? `?${against}` : ''}`);
    const base = d.base.kind === 'template' ? `template ${d.base.name} revision ${d.base.revision}` : `branch ${d.base.name}`;
    $('schema-title').textContent = `Against ${base}${d.identical ? ': identical' : ''}`;
    $('schema-body').replaceChildren(el('pre', { id: 'schema-diff', class: 'diff', text: d.text }));
  }

  clear(message) {
    $('schema-view').hidden = false;
    $('schema-title').textContent = message;
    $('schema-body').replaceChildren();
  }

  failed(e) {
    $('schema-title').textContent = `${e.message}${e.code ? ` (${e.code})` : ''}`;
    this.notify(e, true);
  }

  hide() {
    $('schema-view').hidden = true;
    $('schema-body').replaceChildren();
  }
}
