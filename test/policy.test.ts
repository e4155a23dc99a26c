/** The policy, table-driven: traits in, decision out (shared/API.md's rule table). */
import { describe, expect, it } from 'vitest';
import { createExecutor, selectBackend, type TaskTraits } from 'unified-executor';

describe('selectBackend: the default rules, in order', () => {
  it.each<[string, TaskTraits, string, string]>([
    ['cpuBound', { cpuBound: true }, 'process', 'cpu-bound'],
    ['cpuBound wins over ioBound', { cpuBound: true, ioBound: true, expectedCount: 10 }, 'process', 'cpu-bound'],
    ['ioBound + needsSync', { ioBound: true, needsSync: true, expectedCount: 10 }, 'async', 'io-sync'],
    ['ioBound + lifecycleControl', { ioBound: true, lifecycleControl: true }, 'async', 'io-sync'],
    ['ioBound, 501 expected', { ioBound: true, expectedCount: 501 }, 'async', 'io-many'],
    ['ioBound, 500 expected', { ioBound: true, expectedCount: 500 }, 'thread', 'io-few'],
    ['ioBound, 0 expected', { ioBound: true, expectedCount: 0 }, 'thread', 'io-few'],
    ['ioBound, count unknown', { ioBound: true }, 'async', 'io-unknown'],
    ['nothing declared', {}, 'async', 'no-traits'],
    ['only a count', { expectedCount: 3 }, 'async', 'no-traits'],
    ['needsSync without ioBound', { needsSync: true }, 'async', 'no-traits'],
    ['everything false', { cpuBound: false, ioBound: false }, 'async', 'no-traits'],
  ])('%s -> %s (%s)', (_name, traits, backend, rule) => {
    const decision = selectBackend(traits);
    expect(decision).toMatchObject({ backend, rule });
    expect(decision.reason.length).toBeGreaterThan(20);
  });

  it('quotes the guide and the values that triggered the rule', () => {
    expect(selectBackend({ ioBound: true, expectedCount: 20 }).reason).toBe(
      'ioBound with expectedCount 20 <= 500: "a few independent I/O bound tasks" -> threads',
    );
    expect(selectBackend({ ioBound: true, expectedCount: 501 }).reason).toContain('501 > 500');
    expect(selectBackend({ cpuBound: true }).reason).toContain('independent CPU bound tasks');
    expect(selectBackend({ ioBound: true, needsSync: true }).reason).toContain('synchronization');
  });

  it('is pure: same traits, same decision; the traits are not changed', () => {
    const traits = Object.freeze({ ioBound: true, expectedCount: 7 });
    expect(selectBackend(traits)).toEqual(selectBackend(traits));
  });
});

describe('selectBackend: overrides', () => {
  it('moves the threshold', () => {
    expect(selectBackend({ ioBound: true, expectedCount: 50 }, { manyThreshold: 10 })).toMatchObject({
      backend: 'async',
      rule: 'io-many',
    });
    expect(selectBackend({ ioBound: true, expectedCount: 10 }, { manyThreshold: 10 }).rule).toBe('io-few');
    expect(selectBackend({ ioBound: true, expectedCount: 0 }, { manyThreshold: 0 }).rule).toBe('io-few');
    expect(selectBackend({ ioBound: true, expectedCount: 1 }, { manyThreshold: 0 }).rule).toBe('io-many');
  });

  it("changes a rule's backend, and the reason says so", () => {
    const decision = selectBackend({ cpuBound: true }, { backends: { 'cpu-bound': 'thread' } });
    expect(decision).toMatchObject({ backend: 'thread', rule: 'cpu-bound' });
    expect(decision.reason).toContain('threads');
    expect(selectBackend({}, { backends: { 'io-few': 'async' } }).backend).toBe('async');
  });

  it.each([
    [{ manyThreshold: -1 }, /manyThreshold/],
    [{ manyThreshold: Number.NaN }, /manyThreshold/],
    [{ manyThreshold: '500' as unknown as number }, /manyThreshold/],
    [{ backends: { 'cpu-bound': 'gpu' as never } }, /backends\.cpu-bound/],
    [{ backends: { 'no-such-rule': 'async' } as never }, /no-such-rule/],
    [{ threshold: 3 } as never, /threshold/],
    [{ adapt: 'yes' } as never, /policy `adapt` to be a boolean/],
  ])('rejects invalid overrides with a TypeError naming the key (%j)', (policy, message) => {
    expect(() => selectBackend({ ioBound: true }, policy)).toThrow(TypeError);
    expect(() => selectBackend({ ioBound: true }, policy)).toThrow(message);
  });
});

describe('policy options of measured traits', () => {
  it('accepts adapt and overrides of the measured rules; selectBackend still routes by declared traits', () => {
    const policy = { adapt: true, backends: { 'measured-cpu': 'thread', 'measured-waiting': 'async' } } as const;
    expect(selectBackend({ ioBound: true, expectedCount: 10 }, policy)).toMatchObject({ backend: 'thread', rule: 'io-few' });
    expect(selectBackend({}, { adapt: false })).toMatchObject({ backend: 'async', rule: 'no-traits' });
  });

  it('refuses a bad adapt or measured-rule backend when the executor is created', () => {
    expect(() => createExecutor({ policy: { adapt: 1 as never } })).toThrow(/Expected policy `adapt` to be a boolean, got `1` \(number\)/);
    expect(() => createExecutor({ policy: { backends: { 'measured-blocking': 'gpu' as never } } })).toThrow(/backends\.measured-blocking/);
  });
});
