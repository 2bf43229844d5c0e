// Sign-in, tabs and live updates. The console is a client of the REST API like any other: what a
// token may not do is not shown, and the server refuses it anyway.
import { get, token, setToken, clearToken, ApiError } from './api.js';
import { Branches } from './branches.js';
import { Cleanup, Templates, Audit, Tokens } from './views.js';
import { Connect } from './connect.js';
import { NewBranch } from './create.js';
import { Schema } from './schema.js';

/** Short polling: EventSource cannot send a bearer header, and a poll of the list is cheap. */
const POLL_MS = 3000;

const $ = (id) => document.getElementById(id);

function notify(message, isError) {
  const status = $('status');
  status.textContent = message instanceof ApiError
    ? `${message.message}${message.code ? ` (${message.code})` : ''}` : String(message.message || message);
  status.classList.toggle('error', Boolean(isError));
}

function signInMessage(e) {
  if (e instanceof ApiError && e.status === 401) return `Sign-in refused: ${e.message}. Check the token and paste it again.`;
  return `Could not sign in: ${e.message}`;
}

async function signIn(candidate) {
  if (candidate) setToken(candidate);
  let session;
  try {
    session = await get('/api/v1/console/session');
  } catch (e) {
    clearToken();
    $('sign-in-error').textContent = signInMessage(e);
    $('token').focus();
    return;
  }
  start(session);
}

function start(session) {
  const canWrite = session.scopes.includes('write');
  const isAdmin = session.scopes.includes('admin');
  // a read token gets no destructive control at all, not a disabled one
  if (!canWrite) document.querySelectorAll('.write-only, .destructive').forEach((n) => n.remove());
  if (!isAdmin || !session.unlimited) document.querySelectorAll('.admin-only').forEach((n) => n.remove());
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = `${session.name} · ${session.scopes.join(', ')}`;
  document.body.dataset.scopes = session.scopes.join(' ');

  const branches = new Branches(session, notify);
  const connect = new Connect(session, notify);
  new Schema(branches, notify);
  $('connect-open').addEventListener('click', () => connect.open(branches.byName.get(branches.open)));
  if (canWrite) {
    const create = new NewBranch(branches, notify);
    $('fork').addEventListener('click', () => create.open(branches.open).catch((e) => notify(e, true)));
  }
  const views = {
    branches,
    cleanup: new Cleanup(session, branches, notify),
    templates: new Templates(session, notify),
    audit: isAdmin ? new Audit(notify) : null,
    tokens: isAdmin ? new Tokens(notify) : null,
  };
  let current = 'branches';
  const tabs = [...document.querySelectorAll('[role=tab]')];
  const show = (name) => {
    current = name;
    tabs.forEach((t) => {
      const selected = t.dataset.tab === name;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
      $(`tab-${t.dataset.tab}`).hidden = !selected;
    });
    views[name].refresh().catch((e) => notify(e, true));
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => show(t.dataset.tab));
    t.addEventListener('keydown', (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      show(next.dataset.tab);
    });
  });
  show('branches');
  const poll = async () => {
    if (!document.hidden && !$('confirm').open && (current === 'branches' || current === 'cleanup')) {
      try {
        await views[current].refresh();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          signOut('Your token is no longer accepted (revoked or expired). Sign in again.');
          return;
        }
        notify(e, true);
      }
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

function signOut(message) {
  clearToken();
  sessionStorage.setItem('offshoot.signout', message || '');
  window.location.reload();
}

document.addEventListener('DOMContentLoaded', () => {
  const farewell = sessionStorage.getItem('offshoot.signout');
  if (farewell) {
    sessionStorage.removeItem('offshoot.signout');
    $('sign-in-error').textContent = farewell;
  }
  $('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    $('sign-in-error').textContent = '';
    signIn($('token').value.trim());
    $('token').value = '';
  });
  $('sign-out').addEventListener('click', () => signOut(''));
  if (token()) signIn(null);
});
