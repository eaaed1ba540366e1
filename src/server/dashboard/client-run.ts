/**
 * Browser code of the dashboard, part 3: one run's page. The history comes
 * from the run's SSE stream (recorded events, then live ones), so the
 * timeline, the pending activities and timers and the description follow
 * the run as it goes; the buttons signal, query, cancel and terminate it.
 */
export const clientRun = String.raw`
function eventDetails(e, run) {
  switch (e.type) {
    case 'WorkflowStarted': return 'input ' + short(e.input);
    case 'ActivityScheduled': return e.activityType + ' #' + e.activityId;
    case 'ActivityCompleted': {
      var a = run.activities[e.activityId] || {};
      return (a.type || '') + ' #' + e.activityId + ' attempt ' + e.attempt + ', took ' +
        fmtDuration(e.recordedAt - (a.attemptStart || e.recordedAt)) + ' -> ' + short(e.result, 60);
    }
    case 'ActivityFailed': {
      var f = run.activities[e.activityId] || {};
      return (f.type || '') + ' #' + e.activityId + ' attempt ' + e.attempt + ' failed: ' +
        (e.error && e.error.message) + (e.nextAttemptAt ? ', retry in ' + fmtDuration(e.nextAttemptAt - e.recordedAt) : ', final');
    }
    case 'ActivityCancelled': return '#' + e.activityId;
    case 'TimerStarted': return e.kind + ' ' + e.timerId + ' for ' + fmtDuration(e.durationMs);
    case 'TimerFired': case 'TimerCancelled': return e.timerId;
    case 'SignalReceived': return e.name + ' ' + short(e.payload, 60);
    case 'SignalSent': return e.name + ' to ' + e.targetWorkflowId + ' ' + short(e.payload, 40);
    case 'ChildWorkflowStarted': return e.workflowType + ' ' + e.childWorkflowId;
    case 'ChildWorkflowCompleted': return e.childWorkflowId + ' -> ' + short(e.result, 60);
    case 'ChildWorkflowFailed': return e.childWorkflowId + ': ' + (e.error && e.error.message);
    case 'ChildWorkflowCancelled': return e.childWorkflowId + ': ' + e.reason;
    case 'WorkflowCompleted': return short(e.result);
    case 'WorkflowFailed': return (e.error && (e.error.code ? e.error.code + ': ' : '') + e.error.message) || '';
    case 'WorkflowContinuedAsNew': return 'next run ' + e.nextRunId;
    default: return e.reason !== undefined ? e.reason : '';
  }
}

/** Tracks activities and timers from history events, to show what is pending. */
function track(run, e) {
  if (e.type === 'ActivityScheduled') run.activities[e.activityId] = { type: e.activityType, attempt: 1, attemptStart: e.recordedAt, open: true };
  var a = run.activities[e.activityId];
  if (e.type === 'ActivityFailed' && a) {
    a.attempt = e.attempt + 1;
    a.attemptStart = e.nextAttemptAt || e.recordedAt;
    a.open = Boolean(e.nextAttemptAt) || e.retryable;
  }
  if ((e.type === 'ActivityCompleted' || e.type === 'ActivityCancelled') && a) a.open = false;
  if (e.type === 'TimerStarted') run.timers[e.timerId] = { kind: e.kind, fireAt: e.fireAt, open: true };
  if ((e.type === 'TimerFired' || e.type === 'TimerCancelled') && run.timers[e.timerId]) run.timers[e.timerId].open = false;
  if (/^Workflow(Completed|Failed|Cancelled|Terminated|TimedOut|ContinuedAsNew)$/.test(e.type)) run.ended = true;
}

function runView(root, workflowId) {
  var run = { activities: {}, timers: {}, startedAt: 0, ended: false };
  var head = h('div', { class: 'run-head' });
  var facts = h('dl', { class: 'facts', id: 'run-facts' });
  var actions = h('div', { class: 'actions', id: 'run-actions' });
  var pending = h('div', { class: 'pending', id: 'run-pending' });
  var timeline = h('tbody');
  root.appendChild(h('p', {}, [h('a', { href: '#/', text: '← runs' })]));
  root.appendChild(head);
  root.appendChild(h('div', { class: 'columns' }, [facts, h('div', {}, [actions, pending])]));
  root.appendChild(h('h3', { text: 'History' }));
  root.appendChild(h('table', { id: 'timeline', class: 'grid' }, [
    h('thead', {}, [h('tr', {}, ['Time', 'Seq', 'Event', 'Details'].map(function (t) { return h('th', { text: t }); }))]),
    timeline,
  ]));

  function describe() {
    api('GET', runPath(workflowId)).then(function (d) {
      clear(head).appendChild(h('h2', {}, [h('span', { id: 'run-id', text: d.workflowId }), ' ', statusBadge(d.status)]));
      head.setAttribute('data-status', d.status);
      clear(facts);
      [['type', d.workflowType], ['run', d.runId], ['residency', d.residency], ['started', fmtTime(d.startedAt)],
        ['closed', d.closedAt ? fmtTime(d.closedAt) + ' (took ' + fmtDuration(d.closedAt - d.startedAt) + ')' : ''],
        ['events', d.historyLength], ['pending activities', d.pendingActivities], ['pending timers', d.pendingTimers],
        ['restarts', d.restarts], ['blocked', d.blocked ? d.blocked.code + ': ' + d.blocked.message : ''],
        ['parent', d.parent ? d.parent.workflowId : ''], ['previous run', d.previousRunId || ''], ['next run', d.nextRunId || ''],
      ].forEach(function (pair) {
        if (pair[1] === '' || pair[1] === undefined) return;
        facts.appendChild(h('dt', { text: pair[0] }));
        facts.appendChild(h('dd', { 'data-fact': pair[0], text: String(pair[1]) }));
      });
      renderActions(d.status === 'running');
    }, notice);
  }
  var refresh = debounce(describe, 150);

  function act(path, body, done) {
    return function () {
      var request;
      try { request = body(); } catch (e) { return; }
      api('POST', runPath(workflowId, path), request).then(function (result) {
        if (done) done(result);
        refresh();
      }, notice);
    };
  }
  // Built once while the run is running: a refresh must not wipe what the user is typing.
  var actionsShown = false;
  function renderActions(running) {
    if (running === actionsShown) return;
    actionsShown = running;
    clear(actions);
    if (!running) return;
    var signalName = h('input', { id: 'signal-name', placeholder: 'signal name' });
    var signalPayload = h('textarea', { id: 'signal-payload', placeholder: 'payload (JSON)', rows: 2 });
    var queryName = h('input', { id: 'query-name', placeholder: 'query name' });
    var queryResult = h('pre', { id: 'query-result' });
    var reason = h('input', { id: 'reason', placeholder: 'reason (optional)' });
    function payload() {
      var text = signalPayload.value.trim();
      if (!text) return undefined;
      try { return JSON.parse(text); } catch (e) { notice({ code: 'INVALID_ARGUMENT', message: 'the payload is not JSON' }); throw e; }
    }
    function withReason() { return reason.value ? { reason: reason.value } : {}; }
    actions.appendChild(h('div', { class: 'action' }, [signalName, signalPayload,
      h('button', { id: 'send-signal', onclick: act('/signal', function () { return { name: signalName.value, payload: payload() }; }), text: 'Send signal' })]));
    actions.appendChild(h('div', { class: 'action' }, [queryName,
      h('button', { id: 'run-query', onclick: act('/query', function () { return { name: queryName.value }; }, function (r) { queryResult.textContent = short(r.result, 2000); }), text: 'Query' }), queryResult]));
    actions.appendChild(h('div', { class: 'action' }, [reason,
      h('button', { id: 'cancel-run', class: 'warn', onclick: act('/cancel', withReason), text: 'Cancel' }),
      h('button', { id: 'terminate-run', class: 'danger', onclick: act('/terminate', withReason), text: 'Terminate' })]));
  }

  function renderPending() {
    clear(pending);
    var open = Object.keys(run.activities).filter(function (id) { return run.activities[id].open; });
    var timers = Object.keys(run.timers).filter(function (id) { return run.timers[id].open; });
    if (run.ended) return;
    pending.appendChild(h('h3', { text: 'Pending' }));
    var list = h('ul', {});
    open.forEach(function (id) {
      var a = run.activities[id];
      list.appendChild(h('li', { 'data-pending': 'activity' }, ['activity ' + a.type + ' #' + id + ', attempt ' + a.attempt + ', since ' + fmtAgo(a.attemptStart)]));
    });
    timers.forEach(function (id) {
      var t = run.timers[id];
      list.appendChild(h('li', { 'data-pending': 'timer' }, ['timer ' + id + ' (' + t.kind + '), fires ' + fmtAgo(t.fireAt) + ' at ' + fmtTime(t.fireAt)]));
    });
    if (!open.length && !timers.length) list.appendChild(h('li', { class: 'muted', text: 'nothing: waiting for a signal or a child' }));
    pending.appendChild(list);
  }

  function onRunEvent(e) {
    if (e.seq === 1) run.startedAt = e.recordedAt;
    track(run, e);
    timeline.appendChild(h('tr', { 'data-seq': e.seq, 'data-type': e.type }, [
      h('td', { class: 'num', title: fmtTime(e.recordedAt), text: '+' + fmtDuration(e.recordedAt - run.startedAt) }),
      h('td', { class: 'num', text: String(e.seq) }),
      h('td', { text: e.type }),
      h('td', { class: 'details', text: eventDetails(e, run) }),
    ]));
    renderPending();
    refresh();
  }
  var source = listen(runPath(workflowId, '/events'), {
    history: onRunEvent,
    end: function () { source.close(); refresh(); },
    error: function (error) { notice(error); source.close(); },
  });
  describe();
  return {
    onSupervision: refresh,
    close: function () { source.close(); },
  };
}
`;
