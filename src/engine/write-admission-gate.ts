import { EngineClosedError } from '../core/index.js';
import type { AdmissionRelease, EventStore } from '../store/index.js';

const noRelease: AdmissionRelease = () => undefined;

/**
 * Backpressure at the engine's door (docs/storage.md): a write from outside
 * the runs (`start`, `signalWithStart`, a user's `signal`) waits until the
 * store has room in its queue of commits not yet durable. A store without a
 * bounded queue (no `admit`) lets every write through at once.
 *
 * @throws EngineClosedError when the engine closed while the call waited.
 */
export function admitWrite(store: EventStore, isClosing: () => boolean): Promise<AdmissionRelease> {
  const open = (release: AdmissionRelease): AdmissionRelease => {
    if (isClosing()) {
      release();
      throw new EngineClosedError();
    }
    return release;
  };
  // One promise per call: this is on the path of every start and signal.
  if (store.admit === undefined) {
    try {
      return Promise.resolve(open(noRelease));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return store.admit().then(open);
}

/**
 * Runs `work` once admitted, and releases the admission when it settles if
 * `work` did not release it sooner (right after handing its commit to the
 * store, which is when the commit starts counting in the queue).
 */
export async function withAdmission<T>(
  store: EventStore,
  isClosing: () => boolean,
  work: (release: AdmissionRelease) => Promise<T>,
): Promise<T> {
  const release = await admitWrite(store, isClosing);
  try {
    return await work(release);
  } finally {
    release();
  }
}
