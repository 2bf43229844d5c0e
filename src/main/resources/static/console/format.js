// Small formatting and DOM helpers. Text always goes in through textContent, never as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "3d 4h", "12m", "in 5h" for a span between two instants. */
export function span(ms) {
  const past = ms >= 0;
  let s = Math.abs(ms) / 1000;
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60);
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
  return past ? text : `in ${text}`;
}

export const since = (iso, now) => (iso ? span(now - Date.parse(iso)) : '–');
export const until = (iso, now) => (iso ? (Date.parse(iso) < now ? `expired ${span(now - Date.parse(iso))} ago` : span(now - Date.parse(iso))) : 'never');
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
export const labels = (map) => Object.entries(map || {}).map(([k, v]) => `${k}=${v}`).join(' ');

/** A branch's idle suspension: "after 5m (service's setting)", "never (branch's setting)". */
export function idle(b) {
  const iso = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(b.idleSuspend || '');
  if (!iso) return b.idleSuspend || '–';
  const seconds = (Number(iso[1] || 0) * 3600) + (Number(iso[2] || 0) * 60) + Number(iso[3] || 0);
  const after = seconds === 0 ? 'never' : seconds < 60 ? `after ${seconds}s` : `after ${span(seconds * 1000)}`;
  return `${after} (${b.idleSuspendFrom}'s setting)`;
}
