import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { dashboardPage, dashboardScript } from '../../src/server/dashboard/dashboard-page.js';

describe('server: dashboard page', () => {
  it('ships a script that parses', () => {
    expect(() => new Script(dashboardScript)).not.toThrow();
  });

  it('never turns strings into markup in its script', () => {
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
    ]) {
      expect(dashboardScript).not.toContain(sink);
    }
    expect(dashboardScript).not.toMatch(/new Function/);
  });

  it('cannot end its own script element early', () => {
    expect(dashboardScript.toLowerCase()).not.toContain('</script');
    expect(dashboardScript).not.toContain('<!--');
  });

  it('puts the nonce on its only script and style', () => {
    const html = dashboardPage('n0nce');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="n0nce">');
    expect(html).toContain('<style nonce="n0nce">');
  });
});
