import { describe, expect, it } from 'vitest';
import { cpuOfRunHash, defaultConcurrency, runHash } from './realCpu';

describe('the CPU an experiment ran on, kept in its stored hash', () => {
  it('is nothing for the sim (the bare hash), and reads back what was written for a real CPU', () => {
    expect(runHash('e83a1d51ec822ecc', null)).toBe('e83a1d51ec822ecc');
    expect(cpuOfRunHash('e83a1d51ec822ecc')).toBeNull();
    expect(cpuOfRunHash(null)).toBeNull();
    for (const cpu of [{ endpoint: '6f1c-uuid', model: 'llama3.2' }, { endpoint: 'local:tiny|odd.gguf', model: '' }, { endpoint: 'x', model: 'org/model@v1' }]) {
      const stored = runHash('e83a1d51ec822ecc', cpu);
      expect(stored).not.toBe('e83a1d51ec822ecc');
      expect(cpuOfRunHash(stored)).toEqual(cpu);
    }
    // Two CPUs, or two models on one endpoint, are two stored hashes: their records never mix.
    expect(runHash('h', { endpoint: 'a', model: 'm' })).not.toBe(runHash('h', { endpoint: 'a', model: 'n' }));
    expect(runHash('h', { endpoint: 'a', model: ' m ' })).toBe(runHash('h', { endpoint: 'a', model: 'm' }));
  });

  it('sends a few requests at once to a network endpoint and one to the local model', () => {
    expect(defaultConcurrency({ endpoint: 'uuid', model: 'm' })).toBe(4);
    expect(defaultConcurrency({ endpoint: 'local:tiny.gguf', model: '' })).toBe(1);
  });
});
