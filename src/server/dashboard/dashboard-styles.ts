/** The dashboard's stylesheet, inlined into the page. */
export const dashboardStyles = String.raw`
:root { --fg: #1d2330; --muted: #6b7385; --line: #e3e6ee; --bg: #f7f8fb; --card: #fff;
  --ok: #18794e; --bad: #c0362c; --warn: #b25e09; --run: #2756c5; --gray: #58606f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 18px; padding: 10px 20px; background: #111827; color: #f3f4f6; }
header h1 { font-size: 16px; margin: 0; letter-spacing: .02em; }
nav a { color: #cbd5e1; text-decoration: none; margin-right: 12px; }
nav a.active { color: #fff; border-bottom: 2px solid #60a5fa; }
.live { margin-left: auto; font-size: 12px; padding: 2px 8px; border-radius: 10px; }
.live.on { background: #14532d; } .live.off { background: #7f1d1d; }
#counters { display: flex; flex-wrap: wrap; gap: 8px; padding: 10px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
.counter { padding: 3px 10px; border-radius: 12px; background: var(--bg); border: 1px solid var(--line); font-size: 12px; }
.counter b { font-variant-numeric: tabular-nums; }
#notice { margin: 10px 20px 0; padding: 8px 12px; border-radius: 6px; background: #fde8e6; color: var(--bad); border: 1px solid #f5c2bd; }
main { padding: 14px 20px 40px; }
.toolbar { display: flex; align-items: center; gap: 10px; }
.toolbar h2 { margin: 0 12px 0 0; }
select, input, textarea, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 5px; background: #fff; }
button { cursor: pointer; background: #eef2ff; border-color: #c7d2fe; }
button.warn { background: #fff7ed; border-color: #fed7aa; }
button.danger { background: #fef2f2; border-color: #fecaca; }
table.grid { width: 100%; border-collapse: collapse; margin-top: 10px; background: var(--card); }
.grid th, .grid td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
.grid th { font-size: 12px; color: var(--muted); font-weight: 600; }
.grid td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid td.details { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.run-link { color: var(--run); text-decoration: none; word-break: break-all; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--gray); }
.status-running { background: var(--run); } .status-completed { background: var(--ok); }
.status-failed { background: var(--bad); } .status-cancelled, .status-timedOut { background: var(--warn); }
.status-terminated { background: #7c2d12; } .status-continuedAsNew { background: var(--gray); }
.counter.c-running b { color: var(--run); } .counter.c-completed b { color: var(--ok); } .counter.c-failed b { color: var(--bad); }
.counter.c-cancelled b, .counter.c-timedOut b, .counter.c-terminated b { color: var(--warn); }
.muted { color: var(--muted); }
.columns { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(280px, 1fr); gap: 20px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; background: var(--card); padding: 12px; border: 1px solid var(--line); border-radius: 6px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-all; }
.action { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; align-items: flex-start; }
.action textarea { min-width: 220px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; }
ul.tree, ul.tree ul { list-style: none; padding-left: 18px; border-left: 1px dashed var(--line); }
ul.tree li { padding: 2px 0; }
.node-id { font-family: ui-monospace, monospace; }
.badge { font-size: 11px; padding: 0 6px; border-radius: 8px; background: #e5e7eb; }
.badge-supervisor { background: #dbeafe; } .badge-run { background: #dcfce7; } .badge-service { background: #fef3c7; }
.restarts { font-size: 12px; color: var(--muted); } .restarts.restarted { color: var(--bad); font-weight: 600; }
ol.log { font-family: ui-monospace, monospace; font-size: 12px; }
`;
