import { Presets, SingleBar } from 'cli-progress';

/** Live counters of this session, shown next to the bar. */
export interface ProgressCounters {
  readonly finished: number;
  readonly activities: number;
  readonly retries: number;
}

/** The progress display: a bar on a terminal, a line per tenth elsewhere (logs, tests). */
export interface Progress {
  update(counters: ProgressCounters): void;
  stop(): void;
}

/**
 * Creates the progress display for `total` orders, `alreadyFinished` of
 * which ended before this session.
 */
export function createProgress(
  total: number,
  alreadyFinished: number,
  out: NodeJS.WriteStream = process.stdout,
): Progress {
  if (out.isTTY) {
    const bar = new SingleBar(
      {
        format:
          'orders {bar} {value}/{total} | activities {activities} | retries {retries} | {duration_formatted}',
        barsize: 30,
        hideCursor: true,
        stream: out,
      },
      Presets.shades_classic,
    );
    bar.start(total, alreadyFinished, { activities: 0, retries: 0 });
    return {
      update: ({ finished, activities, retries }) => bar.update(finished, { activities, retries }),
      stop: () => bar.stop(),
    };
  }
  const tenth = (n: number): number => Math.floor((n * 10) / total);
  let shown = alreadyFinished;
  let stopped = false;
  return {
    update({ finished, activities, retries }) {
      if (stopped || finished === shown) return;
      const first = shown === alreadyFinished;
      if (first || tenth(finished) > tenth(shown) || finished === total) {
        out.write(
          `progress: ${finished}/${total} orders finished, ${activities} activities, ${retries} retries\n`,
        );
      }
      shown = finished;
    },
    stop: () => {
      stopped = true;
    },
  };
}
