/**
 * Browser code of the dashboard, part 4: the supervision tree with restart
 * counts and the latest supervision events, the hash router, and the boot
 * that opens the three engine streams once for the whole page.
 */
export const clientTree = String.raw`
function treeNode(node) {
  var meta = [badge(node.kind, node.kind), ' ', h('span', { class: 'tree-status', text: node.status })];
  meta.push(' ', h('span', { class: 'restarts' + (node.restarts > 0 ? ' restarted' : ''), 'data-restarts': node.restarts, text: 'restarts ' + node.restarts }));
  if (node.phase) meta.push(' ', h('span', { class: 'muted', text: node.phase }));
  var item = h('li', { 'data-node-id': node.id, 'data-kind': node.kind }, [h('span', { class: 'node-id', text: node.id }), ' '].concat(meta));
  if (node.children && node.children.length) item.appendChild(h('ul', {}, node.children.map(treeNode)));
  return item;
}

function describeSupervision(e) {
  var text = e.type + ' ' + (e.path || []).join('/');
  if (e.restarts !== undefined) text += ' (restarts ' + e.restarts + ')';
  if (e.decision) text += ' -> ' + e.decision;
  if (e.error) text += ': ' + (e.error.code ? e.error.code + ' ' : '') + e.error.message;
  return text;
}

function treeView(root) {
  var holder = h('ul', { class: 'tree', id: 'tree' });
  var log = h('ol', { class: 'log', id: 'supervision-log', reversed: true });
  root.appendChild(h('h2', { text: 'Supervision tree' }));
  root.appendChild(holder);
  root.appendChild(h('h3', { text: 'Latest supervision events' }));
  root.appendChild(log);
  (app.supervisionLog || []).forEach(function (e) { log.appendChild(h('li', { text: describeSupervision(e) })); });
  function load() {
    api('GET', '/api/tree').then(function (tree) { clear(holder).appendChild(treeNode(tree)); }, notice);
  }
  load();
  var reload = debounce(load, 200);
  return {
    onSupervision: function (e) {
      log.insertBefore(h('li', { text: describeSupervision(e) }), log.firstChild);
      while (log.children.length > 50) log.removeChild(log.lastChild);
      reload();
    },
    onHistory: reload,
    close: function () {},
  };
}

function route() {
  if (app.view) app.view.close();
  var main = clear(document.getElementById('view'));
  var hash = location.hash.replace(/^#/, '');
  var match = /^\/run\/(.+)$/.exec(hash);
  document.querySelectorAll('nav a').forEach(function (a) { a.classList.remove('active'); });
  if (match) {
    var id;
    try { id = decodeURIComponent(match[1]); } catch (e) { id = match[1]; }
    app.viewName = 'run';
    app.view = runView(main, id);
  } else if (hash === '/tree') {
    app.viewName = 'tree';
    document.getElementById('nav-tree').classList.add('active');
    app.view = treeView(main);
  } else {
    app.viewName = 'runs';
    document.getElementById('nav-runs').classList.add('active');
    app.view = runsView(main);
  }
}

function dispatch(hook, data) {
  if (app.view && app.view[hook]) app.view[hook](data);
}

function boot() {
  var dot = document.getElementById('live');
  function connected(ok) {
    dot.className = ok ? 'live on' : 'live off';
    dot.textContent = ok ? 'live' : 'reconnecting';
  }
  app.supervisionLog = [];
  var streams = [
    listen('/api/events', { history: function (e) { if (e.type === 'WorkflowStarted') refreshCounters(); dispatch('onHistory', e); } }),
    listen('/api/outcomes', { outcome: function (o) { app.outcomesSeen += 1; refreshCounters(); dispatch('onOutcome', o); } }),
    listen('/api/supervision', { supervision: function (e) {
      app.supervisionLog.unshift(e);
      app.supervisionLog.length = Math.min(app.supervisionLog.length, 50);
      dispatch('onSupervision', e);
    } }),
  ];
  streams.forEach(function (s) {
    s.addEventListener('open', function () { connected(true); });
    s.addEventListener('error', function () { connected(false); });
  });
  api('GET', '/api/info').then(function (info) {
    app.types = info.workflowTypes;
    if (app.viewName === 'runs') route();
  }, notice);
  window.addEventListener('hashchange', route);
  renderCounters();
  route();
}

boot();
`;
