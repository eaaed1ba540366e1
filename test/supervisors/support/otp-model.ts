import type { Backoff, RestartType, Strategy } from 'aion-ts/supervisors';

// A reference model of OTP supervisor semantics written without the library's
// core: a synchronous, recursive walk over a tree of records, as an Erlang
// supervisor process would do it. It predicts the event log and final tree.

export type ModelWorkerSpec = {
  readonly kind: 'worker';
  readonly id: string;
  readonly restart: RestartType;
};

export interface ModelSupervisorSpec {
  readonly kind: 'supervisor';
  readonly id: string;
  readonly restart: RestartType;
  readonly strategy: Strategy;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly backoff: Backoff | undefined;
  readonly children: readonly ModelChildSpec[];
}

export type ModelChildSpec = ModelWorkerSpec | ModelSupervisorSpec;

interface Child {
  readonly spec: ModelChildSpec;
  status: 'running' | 'down';
  restarts: number;
  recent: number[];
  restartAt: number | undefined;
  sup: Sup | undefined;
}

interface Sup {
  readonly spec: ModelSupervisorSpec;
  readonly path: readonly string[];
  children: Child[];
  log: number[];
  alive: boolean;
  readonly parent: { readonly sup: Sup; readonly child: Child } | undefined;
}

/** What the model says the tree looks like (mirrors the shape the test derives from `tree()`). */
export interface ModelNode {
  readonly id: string;
  readonly status: string;
  readonly restarts: number;
  readonly children?: readonly ModelNode[];
}

export class OtpModel {
  readonly events: string[] = [];
  now = 0;
  ended = false;
  #timers: { at: number; seq: number; sup: Sup }[] = [];
  #seq = 0;
  readonly #root: Sup;

  constructor(spec: ModelSupervisorSpec) {
    this.#root = this.#newSup(spec, [spec.id], undefined);
    for (const child of this.#root.children) this.#spawn(this.#root, child, false);
    this.#emit('started', this.#root.path);
  }

  /** Paths of the live supervisors, root first, depth first. */
  supervisors(): (readonly string[])[] {
    if (this.ended) return [];
    const nested = this.#all().filter(
      (x) => x.child.sup !== undefined && x.child.status === 'running',
    );
    return [this.#root.path, ...nested.map((x) => x.path)];
  }

  /** Paths of running workers, depth first. */
  runningWorkers(): string[][] {
    return this.#all()
      .filter((x) => x.child.spec.kind === 'worker' && x.child.status === 'running')
      .map((x) => x.path);
  }

  /** Paths of every child of a live supervisor (any kind, any status). */
  allChildren(): string[][] {
    return this.#all().map((x) => x.path);
  }

  exit(path: readonly string[], failed: boolean): void {
    const { sup, child } = this.#find(path);
    this.#exit(sup, child, failed);
  }

  startChild(supPath: readonly string[], id: string, restart: RestartType): void {
    const sup = this.#findSup(supPath);
    const child = this.#newChild({ kind: 'worker', id, restart });
    sup.children.push(child);
    this.#spawn(sup, child, false);
  }

  stopChild(path: readonly string[]): void {
    const { sup, child } = this.#find(path);
    if (child.status === 'running') this.#terminate(sup, child);
    else this.#emit('stopped', [...sup.path, child.spec.id], 'shutdown');
    sup.children = sup.children.filter((c) => c !== child);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.#timers
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.now = Math.max(this.now, due.at);
      if (!due.sup.alive) continue;
      for (const child of [...due.sup.children]) {
        if (
          child.status === 'down' &&
          child.restartAt !== undefined &&
          child.restartAt <= this.now
        ) {
          this.#spawn(due.sup, child, true);
        }
      }
    }
    this.now = until;
  }

  stop(): void {
    if (this.ended) return;
    this.#shutdown(this.#root);
    this.ended = true;
    this.#emit('stopped', this.#root.path, 'shutdown');
  }

  tree(): ModelNode {
    const node = (sup: Sup): ModelNode[] =>
      sup.children.map((c) => ({
        id: c.spec.id,
        status: c.status,
        restarts: c.restarts,
        ...(c.spec.kind === 'supervisor'
          ? { children: c.sup !== undefined && c.status === 'running' ? node(c.sup) : [] }
          : {}),
      }));
    return { id: this.#root.spec.id, status: 'running', restarts: 0, children: node(this.#root) };
  }

  #emit(type: string, path: readonly string[], detail?: string): void {
    this.events.push(
      detail === undefined ? `${type} ${path.join('/')}` : `${type} ${path.join('/')} ${detail}`,
    );
  }

  #newChild(spec: ModelChildSpec): Child {
    return {
      spec,
      status: 'running',
      restarts: 0,
      recent: [],
      restartAt: undefined,
      sup: undefined,
    };
  }

  #newSup(spec: ModelSupervisorSpec, path: readonly string[], parent: Sup['parent']): Sup {
    return {
      spec,
      path,
      children: spec.children.map((c) => this.#newChild(c)),
      log: [],
      alive: true,
      parent,
    };
  }

  #spawn(sup: Sup, child: Child, restart: boolean): void {
    if (restart) child.restarts += 1;
    child.status = 'running';
    child.restartAt = undefined;
    const path = [...sup.path, child.spec.id];
    if (child.spec.kind === 'supervisor') {
      // A fresh supervisor process: new restart history, children from the spec.
      child.sup = this.#newSup(child.spec, path, { sup, child });
      for (const c of child.sup.children) this.#spawn(child.sup, c, false);
    }
    this.#emit(restart ? 'restarted' : 'started', path);
  }

  // exit(Child, shutdown); a nested supervisor first takes its own children down.
  #terminate(sup: Sup, child: Child): void {
    if (child.sup !== undefined) {
      this.#shutdown(child.sup);
      child.sup.alive = false;
    }
    this.#emit('stopped', [...sup.path, child.spec.id], 'shutdown');
  }

  #shutdown(sup: Sup): void {
    for (const child of [...sup.children].reverse()) {
      if (child.status === 'running') this.#terminate(sup, child);
      else this.#emit('stopped', [...sup.path, child.spec.id], 'shutdown');
    }
    sup.children = [];
    sup.alive = false;
  }

  #exit(sup: Sup, child: Child, failed: boolean): void {
    const path = [...sup.path, child.spec.id];
    const report = (decision: string): void =>
      this.#emit(failed ? 'crashed' : 'exited', path, decision);
    if (child.sup !== undefined) child.sup.alive = false;
    const restart =
      child.spec.restart === 'permanent' || (child.spec.restart === 'transient' && failed);
    if (!restart) {
      report('remove');
      sup.children = sup.children.filter((c) => c !== child);
      return;
    }
    const { maxRestarts, withinMs } = sup.spec;
    if (maxRestarts !== Infinity) {
      sup.log = [...sup.log.filter((t) => t > this.now - withinMs), this.now];
      if (sup.log.length > maxRestarts) {
        report('escalate');
        child.status = 'down';
        this.#shutdown(sup);
        this.#emit('escalated', sup.path);
        if (sup.parent !== undefined) {
          this.#exit(sup.parent.sup, sup.parent.child, true);
        } else {
          this.ended = true;
          this.#emit('stopped', sup.path, 'escalated');
        }
        return;
      }
    }
    report('restart');
    const previous = child.recent.filter((t) => t > this.now - withinMs);
    child.recent = [...previous, this.now];
    child.status = 'down';
    const at = sup.children.indexOf(child);
    const group =
      sup.spec.strategy === 'one-for-one'
        ? [child]
        : sup.spec.strategy === 'one-for-all'
          ? [...sup.children]
          : sup.children.slice(at);
    for (const other of [...group].reverse()) {
      if (other === child || other.status !== 'running') continue;
      this.#terminate(sup, other);
      other.status = 'down';
      // "A temporary child is never restarted, even when a sibling's death
      // causes it to be terminated."
      if (other.spec.restart === 'temporary')
        sup.children = sup.children.filter((c) => c !== other);
    }
    const members = sup.children.filter((c) => group.includes(c));
    const { backoff } = sup.spec;
    const delay =
      backoff === undefined
        ? 0
        : Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** previous.length);
    if (delay > 0) {
      for (const m of members) m.restartAt = this.now + delay;
      this.#timers.push({ at: this.now + delay, seq: this.#seq++, sup });
      return;
    }
    for (const m of members) this.#spawn(sup, m, true);
  }

  #all(): { path: string[]; child: Child }[] {
    const out: { path: string[]; child: Child }[] = [];
    const walk = (sup: Sup): void => {
      for (const c of sup.children) {
        out.push({ path: [...sup.path, c.spec.id], child: c });
        if (c.sup !== undefined && c.status === 'running') walk(c.sup);
      }
    };
    if (!this.ended) walk(this.#root);
    return out;
  }

  #find(path: readonly string[]): { sup: Sup; child: Child } {
    const sup = this.#findSup(path.slice(0, -1));
    const child = sup.children.find((c) => c.spec.id === path[path.length - 1]);
    if (child === undefined) throw new Error(`model: no child ${path.join('/')}`);
    return { sup, child };
  }

  #findSup(path: readonly string[]): Sup {
    let sup = this.#root;
    for (const id of path.slice(1)) {
      const next = sup.children.find((c) => c.spec.id === id)?.sup;
      if (next === undefined) throw new Error(`model: no supervisor ${path.join('/')}`);
      sup = next;
    }
    return sup;
  }
}
