import { describe, expect, it } from 'vitest';
import { aion } from './cli-harness.js';

const COMMANDS = [
  'run',
  'worker',
  'dashboard',
  'list',
  'show',
  'signal',
  'query',
  'cancel',
  'terminate',
  'replay',
  'doctor',
  'bench',
];

describe('aion --help', () => {
  it('lists every command', async () => {
    const help = await aion(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each(COMMANDS)('documents %s with --help, including --json and --store', async (command) => {
    const help = await aion([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: aion ${command} `));
    expect(help.stdout).toContain('--json');
    expect(help.stdout).toContain('--store <path>');
  });

  it('exits 2 on bad usage', async () => {
    const unknown = await aion(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect((await aion(['list', '--limit', 'many'])).code).toBe(2);
    expect((await aion(['show'])).code).toBe(2);
    expect((await aion(['list', '--bogus'])).code).toBe(2);
  });
});
