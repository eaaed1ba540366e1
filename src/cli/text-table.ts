/** A column of {@link renderTable}: its header and whether it aligns right. */
export interface Column {
  readonly header: string;
  readonly right?: boolean;
}

/**
 * Renders rows as an aligned plain-text table with a header line.
 *
 * @example
 * ```ts
 * renderTable([{ header: 'ID' }, { header: 'N', right: true }], [['a', '1']]);
 * ```
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.right === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}

/** Short single-line JSON for tables: at most `max` characters. */
export function shortJson(value: unknown, max = 60): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ??
      'undefined';
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
