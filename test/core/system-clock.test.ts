import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/index.js';
import { wallClock } from '../../supervisors/index.js';

describe('wall clocks', () => {
  for (const [name, clock] of [
    ['systemClock', systemClock()],
    ['wallClock', wallClock()],
  ] as const) {
    it(`${name} fires a near deadline once now() has reached it`, async () => {
      const at = Date.now() + 15;
      const seen = await new Promise<number>((resolve) =>
        clock.schedule(at, () => resolve(clock.now())),
      );
      expect(seen).toBeGreaterThanOrEqual(at);
    });

    it(`${name} does not fire a deadline beyond setTimeout's 24.8-day limit early`, async () => {
      let fired = false;
      const cancel = clock.schedule(Date.now() + 30 * 86_400_000, () => {
        fired = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      cancel();
      expect(fired).toBe(false);
    });
  }
});
