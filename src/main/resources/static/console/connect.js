// The Connect dialog of one branch: a psql command, a JDBC URL and a .env line, for the owner and
// for the caller's read-only role. Until an explicit reveal the page holds no password at all (the
// list carries none): the strings show a mask. Revealing the owner's password is the audited
// POST .../reveal (write scope); the read-only one comes from GET of the branch, which for a caller
// that may write carries (and audits) the owner's too.
import { call } from './api.js';

export const MASK = '••••••';

const $ = (id) => document.getElementById(id);

/** The three forms of one connection; `password` null means masked. */
export function forms(c, password) {
  // revealed: the server's URI as it is; masked: the same with the mask where the password goes
  const uri = password !== null ? c.uri
    : c.uri.replace(/^(postgres(?:ql)?:\/\/[^:@/]+)(?::[^@/]*)?@/, (_, user) => `${user}:${MASK}@`);
  const sep = c.jdbcUrl.includes('?') ? '&' : '?';
  const jdbc = `${c.jdbcUrl}${sep}user=${encodeURIComponent(c.user)}&password=${password === null ? MASK : encodeURIComponent(password)}`;
  return { psql: `psql '${uri}'`, jdbc, env: `DATABASE_URL=${uri}` };
}

export class Connect {
  constructor(session, notify) {
    this.canWrite = session.scopes.includes('write');
    this.notify = notify;
    this.dialog = $('connect');
    this.secrets = { owner: null, reader: null };
    this.dialog.querySelectorAll('input[name=connect-role]').forEach((r) => r.addEventListener('change', () => this.render()));
    $('connect-reveal').addEventListener('click', () => this.reveal().catch((e) => this.say(e, true)));
    $('connect-close').addEventListener('click', () => this.close());
    this.dialog.addEventListener('close', () => this.forget());
    this.dialog.querySelectorAll('button[data-copy]').forEach((b) => b.addEventListener('click',
      () => this.copy(b.dataset.copy).catch((e) => this.say(e, true))));
  }

  open(branch) {
    this.branch = branch;
    this.forget();
    $('connect-status').textContent = '';
    // a read token's own role is the one it can use
    this.dialog.querySelector(`input[value=${this.canWrite ? 'owner' : 'reader'}]`).checked = true;
    $('connect-title').textContent = `Connect to ${branch.name}`;
    this.render();
    this.dialog.showModal();
  }

  close() {
    this.dialog.close();
  }

  /** Passwords live only while the dialog is open. */
  forget() {
    this.secrets = { owner: null, reader: null };
    this.dialog.querySelectorAll('code[data-form]').forEach((c) => { c.textContent = ''; });
  }

  role() {
    return this.dialog.querySelector('input[name=connect-role]:checked').value;
  }

  connection(role) {
    return role === 'owner' ? this.branch.connection : this.branch.readOnlyConnection;
  }

  render() {
    const role = this.role();
    const c = this.secrets[role]?.connection || this.connection(role);
    const password = this.secrets[role]?.password ?? null;
    const hint = $('connect-hint');
    const reveal = $('connect-reveal');
    reveal.hidden = password !== null || (role === 'owner' && !this.canWrite);
    reveal.textContent = role === 'owner' ? 'Reveal owner password (audited)' : 'Reveal read-only password';
    hint.textContent = role === 'owner'
      ? (this.canWrite ? 'The owner may change anything. Revealing its password is recorded in the audit log (branch.reveal).'
        : 'The owner\'s password needs the write scope: use the read-only role.')
      : 'Your own reader role on this branch: reads everything, every transaction is read-only.';
    const f = c ? forms(c, password) : null;
    this.dialog.querySelectorAll('code[data-form]').forEach((code) => {
      code.textContent = f ? f[code.dataset.form] : 'Reveal to make the read-only role';
    });
    this.dialog.querySelectorAll('button[data-copy]').forEach((b) => { b.hidden = password === null; });
  }

  async reveal() {
    const role = this.role();
    const name = encodeURIComponent(this.branch.name);
    if (role === 'owner') {
      const c = await call('POST', `/api/v1/branches/${name}/reveal`);
      this.secrets.owner = { connection: c, password: c.password };
    } else {
      const b = await call('GET', `/api/v1/branches/${name}`);
      const c = b.readOnlyConnection;
      if (!c || !c.password) throw new Error(`${this.branch.name} has no read-only role yet (is it READY?)`);
      this.secrets.reader = { connection: c, password: c.password };
      if (b.connection.password) this.secrets.owner = { connection: b.connection, password: b.connection.password };
    }
    this.render();
    this.say(`${role === 'owner' ? 'Owner' : 'Read-only'} password of ${this.branch.name} revealed${this.canWrite ? ' (recorded in the audit log)' : ''}`);
  }

  async copy(form) {
    const code = this.dialog.querySelector(`code[data-form=${form}]`);
    await navigator.clipboard.writeText(code.textContent);
    this.say(`Copied the ${form} form`);
  }

  /** Messages go to the page's status line and to the dialog's own, which stays visible above the backdrop. */
  say(message, isError) {
    this.notify(message, isError);
    const line = $('connect-status');
    line.textContent = $('status').textContent;
    line.classList.toggle('error', Boolean(isError));
  }
}
