import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import {
  createSupervisor,
  recordRestart,
  type ChildSpec,
  type RestartType,
  type SupervisionEvent,
  type SupervisionNode,
  type SupervisorSpec,
} from 'aion-ts/supervisors';
import {
  OtpModel,
  type ModelChildSpec,
  type ModelNode,
  type ModelSupervisorSpec,
} from './support/otp-model.js';
import { testClock } from './support/virtual-clock.js';
import { controllable } from './support/workers.js';

// Random trees and random sequences of crashes, normal exits, time advances
// and dynamic child starts/stops must produce exactly the restarts, stops
// and escalations (in order) that the reference OTP model predicts.

type Shape = { kind: 'worker'; restart: RestartType } | ShapeSup;
interface ShapeSup {
  kind: 'supervisor';
  restart: RestartType;
  strategy: 'one-for-one' | 'one-for-all' | 'rest-for-one';
  maxRestarts: number;
  withinMs: number;
  backoff: { initialMs: number; maxMs: number; factor: number } | undefined;
  children: Shape[];
}

const restartArb = fc.constantFrom<RestartType>('permanent', 'transient', 'temporary');
const { sup: supArb } = fc.letrec<{ sup: ShapeSup; child: Shape }>((tie) => ({
  sup: fc.record({
    kind: fc.constant('supervisor' as const),
    restart: restartArb,
    strategy: fc.constantFrom(
      'one-for-one' as const,
      'one-for-all' as const,
      'rest-for-one' as const,
    ),
    maxRestarts: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(Infinity)),
    withinMs: fc.constantFrom(10, 50, 100),
    backoff: fc.option(
      fc.record({
        initialMs: fc.integer({ min: 1, max: 20 }),
        maxMs: fc.integer({ min: 20, max: 60 }),
        factor: fc.integer({ min: 1, max: 3 }),
      }),
      { nil: undefined },
    ),
    children: fc.array(tie('child'), { minLength: 1, maxLength: 4 }),
  }),
  child: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'tree' },
    fc.record({ kind: fc.constant('worker' as const), restart: restartArb }),
    tie('sup'),
  ),
}));

const actionArb = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('crash' as const), pick: fc.nat() }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }), weight: 2 },
  {
    // Whole windows (10, 50, 100 ms) often, so restarts land exactly on a window's edge.
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(10, 50, 100)),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      pick: fc.nat(),
      restart: restartArb,
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('stop' as const), pick: fc.nat() }), weight: 1 },
);

const toModel = (shape: ShapeSup, id: string): ModelSupervisorSpec => ({
  ...shape,
  id,
  children: shape.children.map((c, i): ModelChildSpec =>
    c.kind === 'worker' ? { kind: 'worker', id: `w${i}`, restart: c.restart } : toModel(c, `s${i}`),
  ),
});

const toChild = (c: ModelChildSpec): ChildSpec =>
  c.kind === 'worker'
    ? { id: c.id, logic: controllable, restart: c.restart }
    : { id: c.id, restart: c.restart, supervisor: toOptions(c) };

const toOptions = (s: ModelSupervisorSpec): Omit<SupervisorSpec, 'id'> => ({
  strategy: s.strategy,
  intensity: { maxRestarts: s.maxRestarts, withinMs: s.withinMs },
  ...(s.backoff === undefined ? {} : { backoff: s.backoff }),
  children: s.children.map(toChild),
});

const line = (e: SupervisionEvent): string => {
  const base = `${e.type} ${e.path.join('/')}`;
  if (e.type === 'crashed' || e.type === 'exited') return `${base} ${e.decision}`;
  if (e.type === 'stopped') return `${base} ${e.reason}`;
  return base;
};

const shapeOf = (n: SupervisionNode): ModelNode => ({
  id: n.id,
  status: n.status === 'restarting' ? 'down' : n.status,
  restarts: n.restarts,
  ...(n.kind === 'supervisor' ? { children: n.children.map(shapeOf) } : {}),
});

describe('supervisors against a reference model of OTP semantics', () => {
  it('produces the restarts, stops and escalations the model predicts', async () => {
    await fc.assert(
      fc.asyncProperty(supArb, fc.array(actionArb, { maxLength: 25 }), async (shape, actions) => {
        const spec = toModel(shape, 'root');
        const clock = testClock();
        const root = createSupervisor({ id: 'root', clock, ...toOptions(spec) });
        const real: string[] = [];
        root.events$.subscribe((e) => real.push(line(e)));
        root.start();
        const model = new OtpModel(spec);
        const supervisorAt = (path: readonly string[]): AnyActorRef => {
          const ref = path.length === 1 ? root.actor : root.child(path.slice(1));
          if (ref === undefined) throw new Error(`no supervisor at ${path.join('/')}`);
          return ref;
        };
        let dynamic = 0;
        for (const action of actions) {
          if (model.ended) break;
          switch (action.kind) {
            case 'crash':
            case 'finish': {
              const workers = model.runningWorkers();
              const path = workers[action.pick % Math.max(1, workers.length)];
              if (path === undefined) break;
              root
                .child(path.slice(1))
                ?.send({ type: action.kind === 'crash' ? 'CRASH' : 'FINISH' });
              model.exit(path, action.kind === 'crash');
              break;
            }
            case 'advance':
              clock.advance(action.ms);
              model.advance(action.ms);
              break;
            case 'start': {
              const sups = model.supervisors();
              const at = sups[action.pick % sups.length];
              if (at === undefined) break;
              const id = `d${dynamic++}`;
              supervisorAt(at).send({
                type: 'supervisor.startChild',
                child: { id, logic: controllable, restart: action.restart },
              });
              model.startChild(at, id, action.restart);
              break;
            }
            case 'stop': {
              const children = model.allChildren();
              const path = children[action.pick % Math.max(1, children.length)];
              if (path === undefined) break;
              supervisorAt(path.slice(0, -1)).send({
                type: 'supervisor.stopChild',
                id: path[path.length - 1],
              });
              model.stopChild(path);
              break;
            }
          }
          expect(real).toEqual(model.events);
        }
        if (!model.ended) expect(shapeOf(root.tree())).toEqual(model.tree());
        await root.stop();
        model.stop();
        expect(real).toEqual(model.events);
        expect(clock.pending()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('counts restarts over a sliding window exactly as a brute-force count does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        (gaps, maxRestarts, withinMs) => {
          let log: readonly number[] = [];
          let now = 0;
          const times: number[] = [];
          for (const gap of gaps) {
            now += gap;
            times.push(now);
            const result = recordRestart(log, now, { maxRestarts, withinMs });
            const inWindow = times.filter((t) => t > now - withinMs).length;
            expect(result.exceeded).toBe(inWindow > maxRestarts);
            log = result.log;
          }
        },
      ),
    );
  });
});
