// The fleet dashboard: reads and acts through the control plane's API for people, with the token given once and
// kept in this tab's session storage. Every value from the API is put in the page as text, never as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'lifeline.token';
  const REFRESH_MS = 5000;
  const COMMANDS = ['start', 'stop', 'pause', 'resume', 'backup', 'destroy'];
  const TRANSIENT = ['starting', 'stopping', 'pausing', 'resuming', 'snapshotting'];
  const view = { host: null, timer: null };
  const $ = (id) => document.getElementById(id);

  class Unauthorized extends Error {}

  async function api(path, options = {}) {
    const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) };
    if (options.body) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { ...options, headers });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) throw new Unauthorized(body.detail || 'the token was refused');
    if (!response.ok) throw new Error(body.detail || 'HTTP ' + response.status);
    return body;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(child ?? '-'));
    }
    return node;
  }

  const badge = (status) => el('span', { class: 'status ' + status, 'data-status': status }, status);

  function ago(iso) {
    if (!iso) return 'never';
    const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 0) return 'just now';
    if (seconds < 120) return seconds + 's ago';
    if (seconds < 7200) return Math.floor(seconds / 60) + 'm ago';
    if (seconds < 172800) return Math.floor(seconds / 3600) + 'h ago';
    return Math.floor(seconds / 86400) + 'd ago';
  }

  const when = (iso) => iso ? el('time', { datetime: iso, title: iso }, ago(iso)) : el('span', {}, 'never');

  function counts(byStatus) {
    const parts = Object.keys(byStatus).sort().map((s) => byStatus[s] + ' ' + s);
    return parts.length ? parts.join(', ') : '-';
  }

  function replaceRows(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function renderSummary(hosts) {
    const byStatus = {};
    let workloads = 0;
    for (const h of hosts) {
      byStatus[h.status] = (byStatus[h.status] || 0) + 1;
      workloads += Object.values(h.workloads).reduce((a, b) => a + b, 0);
    }
    $('summary').textContent = hosts.length + ' hosts (' + counts(byStatus) + ') · ' + workloads + ' workloads';
  }

  function renderHosts(hosts) {
    renderSummary(hosts);
    replaceRows($('hosts').tBodies[0], hosts.map((h) => {
      const row = el('tr', { 'data-host': h.hostname, 'data-id': h.id, class: h.id === view.host ? 'selected' : null },
        el('td', {}, h.hostname), el('td', {}, badge(h.status)), el('td', {}, when(h.lastHeartbeatAt)),
        el('td', {}, h.agentVersion), el('td', {}, h.team), el('td', {}, counts(h.workloads)));
      row.addEventListener('click', () => selectHost(h.id));
      return row;
    }));
  }

  function lastBackup(backup) {
    if (!backup || !backup.last) return el('span', {}, 'none');
    const last = backup.last;
    const cell = el('span', { 'data-backup': last.state }, badge(last.state), ' ', when(last.finishedAt || last.createdAt));
    if (last.error) cell.append(el('span', { class: 'error' }, ' ' + last.error));
    return cell;
  }

  function renderBackups(stacks) {
    replaceRows($('backups').tBodies[0], stacks.map((s) => el('tr', { 'data-stack': s.hostname + '/' + s.workload },
      el('td', {}, s.hostname), el('td', {}, s.workload), el('td', {}, badge(s.status)),
      el('td', {}, lastBackup(s)), el('td', {}, when(s.lastSucceededAt)), el('td', {}, s.detail))));
  }

  function renderAudit(events) {
    $('audit').replaceChildren(...events.map((e) => {
      const where = [e.hostname, e.workload].filter(Boolean).join('/') || 'fleet';
      const change = e.beforeStatus || e.afterStatus ? ' ' + (e.beforeStatus || '-') + ' → ' + (e.afterStatus || '-') : '';
      const item = el('li', { 'data-action': e.action, 'data-outcome': e.outcome }, when(e.at),
        el('strong', {}, where), ' ' + e.action + change + ' by ' + e.actorKind + ':' + e.actor + ' (' + e.reason + ')');
      if (e.outcome === 'error') item.append(el('span', { class: 'error' }, ' failed: ' + (e.error || '')));
      return item;
    }));
  }

  async function renderHost(id, backups) {
    const detail = await api('v1/hosts/' + encodeURIComponent(id));
    const unreachable = detail.host.status === 'unreachable';
    $('host-name').textContent = detail.host.hostname + (unreachable ? ' (unreachable: commands wait)' : '');
    const backupOf = new Map(backups.filter((b) => b.hostId === id).map((b) => [b.workload, b]));
    replaceRows($('workloads').tBodies[0], detail.workloads.map((w) => {
      const busy = TRANSIENT.includes(w.status) || unreachable;
      const buttons = COMMANDS.map((kind) => {
        const button = el('button', { type: 'button', 'data-command': kind, class: kind === 'destroy' ? 'danger' : null,
          disabled: busy }, kind);
        button.addEventListener('click', () => submit(detail.host, w.name, kind));
        return button;
      });
      return el('tr', { 'data-workload': w.name }, el('td', {}, w.name), el('td', {}, badge(w.status)),
        el('td', {}, when(w.statusSince)), el('td', {}, w.detail), el('td', {}, lastBackup(backupOf.get(w.name))),
        el('td', {}, ...buttons));
    }));
    $('host-panel').hidden = false;
  }

  function selectHost(id) {
    view.host = id;
    refresh();
  }

  async function submit(host, workload, kind) {
    if (kind === 'destroy' && !confirm('Destroy ' + workload + ' on ' + host.hostname
        + '? Its containers are removed (volumes and data stay).')) return;
    const result = $('command-result');
    try {
      const command = await api('v1/commands', { method: 'POST', body: JSON.stringify({ host: host.id, workload, kind }) });
      result.textContent = kind + ' ' + workload + ': command ' + command.id + ' ' + command.state;
      result.dataset.command = command.id;
      result.dataset.state = command.state;
      refresh();
      follow(command.id, kind, workload);
    } catch (e) {
      if (e instanceof Unauthorized) return signOut(e.message);
      result.textContent = kind + ' ' + workload + ' refused: ' + e.message;
      result.dataset.state = 'refused';
    }
  }

  async function follow(id, kind, workload) {
    for (let i = 0; i < 60; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const result = $('command-result');
      if (result.dataset.command !== id) return;
      const command = await api('v1/commands/' + id).catch(() => null);
      if (!command) return;
      result.textContent = kind + ' ' + workload + ': command ' + id + ' ' + command.state
        + (command.error ? ' (' + command.error + ')' : '');
      result.dataset.state = command.state;
      if (command.state === 'done' || command.state === 'failed') return refresh();
    }
  }

  async function refresh() {
    try {
      const [hosts, backups, audit] = await Promise.all([api('v1/hosts?limit=5000'), api('v1/backups'),
        api('v1/audit?limit=50')]);
      renderHosts(hosts.hosts);
      renderBackups(backups.stacks);
      renderAudit(audit.events);
      if (view.host) await renderHost(view.host, backups.stacks);
      $('error').textContent = '';
      document.body.dataset.loaded = 'true';
    } catch (e) {
      if (e instanceof Unauthorized) return signOut(e.message);
      $('error').textContent = 'Cannot read the fleet: ' + e.message;
    }
  }

  async function open() {
    const who = await api('v1/whoami');
    $('actor').textContent = 'signed in as ' + who.actor + (who.team ? ' (team ' + who.team + ')' : ' (operator)');
    $('sign-in').hidden = true;
    $('app').hidden = false;
    $('sign-out').hidden = false;
    await refresh();
    clearInterval(view.timer);
    view.timer = setInterval(refresh, REFRESH_MS);
  }

  function signOut(reason) {
    clearInterval(view.timer);
    sessionStorage.removeItem(TOKEN_KEY);
    view.host = null;
    document.body.dataset.loaded = 'false';
    $('app').hidden = true;
    $('sign-out').hidden = true;
    $('actor').textContent = '';
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = reason || '';
  }

  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    try {
      await open();
    } catch (e) {
      signOut(e instanceof Unauthorized ? e.message : 'Cannot reach the control plane: ' + e.message);
    }
  });
  $('sign-out').addEventListener('click', () => signOut(''));

  if (sessionStorage.getItem(TOKEN_KEY)) open().catch((e) => signOut(e.message));
  else signOut('');
})();
