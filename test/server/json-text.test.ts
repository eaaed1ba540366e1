import { describe, expect, it } from 'vitest';
import { AionError } from '../../src/index.js';
import { toJsonText } from '../../src/server/index.js';

describe('server: JSON of payloads', () => {
  it('writes what JSON.stringify cannot', () => {
    const value = {
      big: 12345678901234567890n,
      map: new Map([['a', 1]]),
      numericMap: new Map([[1, 'one']]),
      set: new Set(['x', 'y']),
      bytes: new Uint8Array([1, 2, 3]),
      buffer: Buffer.from('hi'),
      error: new AionError('WORKFLOW_NOT_FOUND', 'gone', { details: { id: 'w' } }),
      date: new Date(0),
      nothing: undefined,
    };
    expect(JSON.parse(toJsonText(value))).toEqual({
      big: '12345678901234567890',
      map: { a: 1 },
      numericMap: [[1, 'one']],
      set: ['x', 'y'],
      bytes: { type: 'bytes', base64: 'AQID' },
      buffer: { type: 'bytes', base64: 'aGk=' },
      error: {
        name: 'AionError',
        message: 'gone',
        code: 'WORKFLOW_NOT_FOUND',
        details: { id: 'w' },
      },
      date: '1970-01-01T00:00:00.000Z',
    });
  });

  it('writes undefined as null and never a raw newline', () => {
    expect(toJsonText(undefined)).toBe('null');
    expect(toJsonText({ text: 'a\nb\r\nc' })).not.toMatch(/[\r\n]/);
  });
});
