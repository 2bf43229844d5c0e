// The one confirmation every delete goes through: it lists exactly what will go, calls out the
// protected branches (deleted only when "force" is ticked; the server still decides), then
// reports what happened to each branch.
import { call } from './api.js';
import { el } from './format.js';

const PARALLEL = 4;

export function confirmDelete(branches, done) {
  if (branches.length === 0) return;
  const dialog = document.getElementById('confirm');
  const go = document.getElementById('confirm-go');
  const cancel = document.getElementById('confirm-cancel');
  const force = document.getElementById('confirm-force');
  const results = document.getElementById('confirm-results');
  const guarded = branches.filter((b) => b.protectedBranch);
  document.getElementById('confirm-title').textContent = `Delete ${branches.length} branch${branches.length === 1 ? '' : 'es'}?`;
  document.getElementById('confirm-list').replaceChildren(...branches.map((b) => el('li', { 'data-name': b.name },
    el('strong', { text: b.name }), ` ${b.template} r${b.templateRevision}, by ${b.createdBy}`,
    b.protectedBranch ? el('span', { class: 'badge', text: 'protected' }) : null)));
  document.getElementById('confirm-protected').textContent = guarded.length === 0 ? ''
    : `${guarded.length} of them ${guarded.length === 1 ? 'is' : 'are'} protected (${guarded.map((b) => b.name).join(', ')}):`
      + ' they are kept unless you tick "force".';
  document.getElementById('confirm-force-label').hidden = guarded.length === 0;
  force.checked = false;
  results.replaceChildren();
  go.hidden = false;
  go.disabled = false;
  cancel.textContent = 'Cancel';
  const deleted = [];
  go.onclick = async () => {
    go.disabled = true;
    cancel.disabled = true;
    const queue = [...branches];
    const worker = async () => {
      for (let b = queue.shift(); b; b = queue.shift()) {
        const forced = b.protectedBranch && force.checked;
        try {
          await call('DELETE', `/api/v1/branches/${encodeURIComponent(b.name)}${forced ? '?force=true' : ''}`);
          deleted.push(b.name);
          results.append(el('li', { class: 'ok', 'data-result': b.name, text: `${b.name}: deleted` }));
        } catch (e) {
          results.append(el('li', { class: 'failed', 'data-result': b.name, text: `${b.name}: kept (${e.code || e.status}: ${e.message})` }));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, branches.length) }, worker));
    go.hidden = true;
    cancel.disabled = false;
    cancel.textContent = 'Close';
    cancel.focus();
    await done(deleted);
  };
  cancel.onclick = () => dialog.close();
  // what a closed dialog listed must never be mistaken for the next one's list
  dialog.onclose = () => {
    document.getElementById('confirm-list').replaceChildren();
    results.replaceChildren();
  };
  dialog.showModal();
}
