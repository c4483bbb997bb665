import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { HEARTH_WORKER_VERSION } from './index.js';

describe('@hearth/worker', () => {
  it('exports the version of its package.json', () => {
    expect(HEARTH_WORKER_VERSION).toBe(pkg.version);
  });
});
