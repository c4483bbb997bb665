import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { HEARTH_CLIENT_VERSION } from './index.js';

describe('@hearth/client', () => {
  it('exports the version of its package.json', () => {
    expect(HEARTH_CLIENT_VERSION).toBe(pkg.version);
  });
});
