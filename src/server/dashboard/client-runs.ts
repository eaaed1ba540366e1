/**
 * Browser code of the dashboard, part 2: the outcome counters and the runs
 * table with its filters. Both refresh from the SSE streams (debounced), so
 * statuses, residency and new runs appear without reloading.
 */
export const clientRuns = String.raw`
function renderCounters() {
  var bar = clear(document.getElementById('counters'));
  api('GET', '/api/counts').then(function (data) {
    clear(bar);
    STATUSES.forEach(function (status) {
      var n = data.counts[status] || 0;
      bar.appendChild(h('span', { class: 'counter c-' + status, 'data-counter': status }, [
        h('b', { text: n >= data.cap ? n + '+' : String(n) }), ' ' + status,
      ]));
    });
    bar.appendChild(h('span', { class: 'counter live', 'data-counter': 'live', title: 'outcomes since this page opened' }, [
      h('b', { text: String(app.outcomesSeen) }), ' outcomes live',
    ]));
  }, notice);
}
var refreshCounters = debounce(renderCounters, 300);

function runsView(root) {
  var filters = app.runFilters || (app.runFilters = { status: '', type: '' });
  var statusSelect = h('select', { id: 'filter-status', 'aria-label': 'status' },
    [h('option', { value: '', text: 'all statuses' })].concat(STATUSES.map(function (s) {
      return h('option', { value: s, text: s });
    })));
  var typeSelect = h('select', { id: 'filter-type', 'aria-label': 'workflow type' },
    [h('option', { value: '', text: 'all types' })].concat(app.types.map(function (t) {
      return h('option', { value: t, text: t });
    })));
  statusSelect.value = filters.status;
  typeSelect.value = filters.type;
  var body = h('tbody');
  var more = h('p', { class: 'muted', id: 'runs-more' });
  function load() {
    var query = ['limit=100'];
    if (filters.status) query.push('status=' + encodeURIComponent(filters.status));
    if (filters.type) query.push('type=' + encodeURIComponent(filters.type));
    api('GET', '/api/runs?' + query.join('&')).then(function (page) {
      clear(body);
      page.items.forEach(function (run) { body.appendChild(runRow(run)); });
      if (page.items.length === 0) body.appendChild(h('tr', {}, [h('td', { colspan: 7, class: 'muted', text: 'no runs' })]));
      more.textContent = page.next ? 'showing the newest 100 runs' : '';
    }, notice);
  }
  function onFilter() {
    filters.status = statusSelect.value;
    filters.type = typeSelect.value;
    load();
  }
  statusSelect.addEventListener('change', onFilter);
  typeSelect.addEventListener('change', onFilter);
  root.appendChild(h('div', { class: 'toolbar' }, [h('h2', { text: 'Runs' }), statusSelect, typeSelect]));
  root.appendChild(h('table', { id: 'runs-table', class: 'grid' }, [
    h('thead', {}, [h('tr', {}, ['Workflow ID', 'Type', 'Status', 'Residency', 'Started', 'Duration', 'Events'].map(function (t) {
      return h('th', { text: t });
    }))]),
    body,
  ]));
  root.appendChild(more);
  load();
  var reload = debounce(load, 200);
  return { onHistory: reload, onOutcome: reload, onSupervision: reload, close: function () {} };
}

function runRow(run) {
  var end = run.closedAt || Date.now();
  var row = h('tr', { 'data-workflow-id': run.workflowId, 'data-status': run.status }, [
    h('td', {}, [runLink(run.workflowId)]),
    h('td', { text: run.workflowType }),
    h('td', {}, [statusBadge(run.status)]),
    h('td', { class: 'residency', text: run.status === 'running' ? run.residency : '' }),
    h('td', { title: fmtTime(run.startedAt), text: fmtAgo(run.startedAt) }),
    h('td', { text: fmtDuration(end - run.startedAt) + (run.closedAt ? '' : ' …') }),
    h('td', { class: 'num', text: String(run.historyLength) }),
  ]);
  return row;
}
`;
