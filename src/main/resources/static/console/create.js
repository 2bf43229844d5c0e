// "New branch": from a template (its latest revision) or from a live branch's current data, with a
// TTL and labels. The request is the plain POST /api/v1/branches; a refusal is shown as the API's
// problem detail with its stable code, and the dialog stays open with what was typed.
import { call, get, ApiError } from './api.js';
import { el } from './format.js';

const $ = (id) => document.getElementById(id);

/** "repo=web pr=12" as a label map; a word without "=" is refused here, since a map cannot carry it. */
export function parseLabels(text) {
  const labels = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const at = word.indexOf('=');
    if (at <= 0) throw new ApiError(400, 'INVALID_LABELS', `"${word}" is not key=value`);
    labels[word.slice(0, at)] = word.slice(at + 1);
  }
  return labels;
}

export class NewBranch {
  constructor(branches, notify) {
    this.branches = branches;
    this.notify = notify;
    this.dialog = $('new-branch');
    this.form = $('new-branch-form');
    $('new-branch-open').addEventListener('click', () => this.open().catch((e) => notify(e, true)));
    $('nb-cancel').addEventListener('click', () => this.dialog.close());
    this.form.addEventListener('change', (e) => { if (e.target.name === 'source') this.showSource(); });
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
  }

  async open(fromBranch) {
    const templates = (await get('/api/v1/templates')).items.map((t) => t.name).sort();
    $('nb-template').replaceChildren(...templates.map((n) => el('option', { value: n, text: n })));
    const live = this.branches.items.filter((b) => b.status === 'READY' || b.status === 'SUSPENDED').map((b) => b.name).sort();
    $('nb-branch').replaceChildren(...live.map((n) => el('option', { value: n, text: n })));
    if (fromBranch) $('nb-branch').value = fromBranch;
    this.form.querySelector(`input[name=source][value=${fromBranch ? 'branch' : 'template'}]`).checked = true;
    $('nb-error').textContent = '';
    this.showSource();
    this.dialog.showModal();
    $('nb-name').focus();
  }

  showSource() {
    const fromBranch = this.form.querySelector('input[name=source]:checked').value === 'branch';
    $('nb-template-label').hidden = fromBranch;
    $('nb-branch-label').hidden = !fromBranch;
  }

  request() {
    const data = new FormData(this.form);
    const body = { name: data.get('name').trim(), labels: parseLabels(data.get('labels') || '') };
    if (data.get('source') === 'branch') body.fromBranch = data.get('fromBranch');
    else body.template = data.get('template');
    if (data.get('ttl')) body.ttl = data.get('ttl').trim();
    return body;
  }

  async submit() {
    const go = $('nb-create');
    const error = $('nb-error');
    error.textContent = '';
    go.disabled = true;
    try {
      const body = this.request();
      error.textContent = `Creating ${body.name}…`;
      const b = await call('POST', '/api/v1/branches', body);
      this.dialog.close();
      this.notify(b.created === false ? `${b.name} already existed with that parent: it is unchanged` : `${b.name} is ready`);
      await this.branches.refresh();
    } catch (e) {
      error.textContent = e instanceof ApiError && e.code ? `${e.message} (${e.code})` : String(e.message || e);
    } finally {
      go.disabled = false;
    }
  }
}
