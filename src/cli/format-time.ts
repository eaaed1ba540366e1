/**
 * A duration for people: `850ms`, `2.35s`, `4m05s`, `3h07m`, `2d4h`.
 *
 * @example
 * ```ts
 * formatDuration(245_000); // '4m05s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const pad = (n: number): string => String(Math.floor(n)).padStart(2, '0');
  if (abs < 1_000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) return `${sign}${(abs / 1_000).toFixed(abs < 10_000 ? 2 : 1)}s`;
  if (abs < 3_600_000) return `${sign}${Math.floor(abs / 60_000)}m${pad((abs % 60_000) / 1_000)}s`;
  if (abs < 86_400_000) {
    return `${sign}${Math.floor(abs / 3_600_000)}h${pad((abs % 3_600_000) / 60_000)}m`;
  }
  return `${sign}${Math.floor(abs / 86_400_000)}d${Math.floor((abs % 86_400_000) / 3_600_000)}h`;
}

/** An offset from a start: `+0ms`, `+1.25s`, `+4m05s`. */
export function formatOffset(ms: number): string {
  return ms < 0 ? formatDuration(ms) : `+${formatDuration(ms)}`;
}

/** A moment relative to `now`: `3m05s ago`, `in 2h00m`. */
export function formatAgo(at: number, now: number): string {
  const delta = now - at;
  return delta >= 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(-delta)}`;
}

/** An ISO timestamp without the `T` and `Z`, in UTC: `2024-06-01 12:00:00.000`. */
export function formatTimestamp(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').replace('Z', '');
}
