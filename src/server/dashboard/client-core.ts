/**
 * Browser code of the dashboard, part 1: DOM building, the API, the SSE
 * streams, formatting. Plain ES2017 in a string (the page inlines it; no
 * build step). It never parses HTML: every element is built with
 * `createElement` and every user-provided string goes in as a text node or
 * an attribute value, so ids, payloads and error messages cannot inject
 * markup. The content holds no backtick and no `${`.
 */
export const clientCore = String.raw`
'use strict';
var STATUSES = ['running', 'completed', 'failed', 'cancelled', 'timedOut', 'terminated', 'continuedAsNew'];
var app = { view: null, viewName: '', hooks: {}, outcomesSeen: 0, types: [] };

/** Builds an element; strings become text nodes, never markup. */
function h(tag, attrs, children) {
  var el = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (key) {
    var value = attrs[key];
    if (value === undefined || value === null || value === false) return;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else if (key.slice(0, 2) === 'on') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  });
  (children || []).forEach(function (child) {
    if (child === undefined || child === null || child === false) return;
    el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  });
  return el;
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

function runLink(workflowId, label) {
  return h('a', { href: '#/run/' + encodeURIComponent(workflowId), class: 'run-link', text: label || workflowId });
}

/** Calls the JSON API with the session cookie; rejects with { code, message }. */
function api(method, path, body) {
  var init = { method: method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return fetch(path, init).then(function (res) {
    return res.text().then(function (text) {
      var data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      if (!res.ok) throw (data && data.error) || { code: 'HTTP_' + res.status, message: res.statusText };
      return data;
    });
  });
}

function runPath(workflowId, rest) {
  return '/api/runs/' + encodeURIComponent(workflowId) + (rest || '');
}

/** Opens an SSE stream; handlers are keyed by event name. */
function listen(path, handlers) {
  var source = new EventSource(path);
  Object.keys(handlers).forEach(function (name) {
    source.addEventListener(name, function (message) {
      var data = null;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      handlers[name](data, message);
    });
  });
  return source;
}

/** Calls fn at most once per wait ms, after the last request. */
function debounce(fn, wait) {
  var timer = null;
  return function () {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(function () { timer = null; fn(); }, wait);
  };
}

function notice(error) {
  var bar = document.getElementById('notice');
  var text = error && error.code ? error.code + ': ' + (error.message || '') : String(error);
  bar.textContent = text;
  bar.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(function () { bar.hidden = true; }, 8000);
}

function fmtDuration(ms) {
  if (ms === undefined || ms === null || !isFinite(ms)) return '';
  if (ms < 1000) return Math.round(ms) + 'ms';
  if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + 's';
  if (ms < 3600000) return Math.floor(ms / 60000) + 'm' + String(Math.floor((ms % 60000) / 1000)).padStart(2, '0') + 's';
  if (ms < 86400000) return Math.floor(ms / 3600000) + 'h' + String(Math.floor((ms % 3600000) / 60000)).padStart(2, '0') + 'm';
  return Math.floor(ms / 86400000) + 'd' + Math.floor((ms % 86400000) / 3600000) + 'h';
}

function fmtAgo(at) {
  if (!at) return '';
  var ms = Date.now() - at;
  return ms < 0 ? 'in ' + fmtDuration(-ms) : fmtDuration(ms) + ' ago';
}

function fmtTime(at) {
  return at ? new Date(at).toLocaleString() : '';
}

/** Short JSON for tables; the full value is in the element's title. */
function short(value, max) {
  var text;
  try { text = value === undefined ? '' : JSON.stringify(value); } catch (e) { text = String(value); }
  if (text === undefined) text = '';
  max = max || 80;
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function badge(kind, text) {
  return h('span', { class: 'badge badge-' + kind, text: text });
}

function statusBadge(status) {
  return h('span', { class: 'status status-' + status, 'data-status': status, text: status });
}
`;
