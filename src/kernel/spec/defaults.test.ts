import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldDefaults, specDefaults } from './defaults';
import { ChannelSchema, ModelSchema, ToolImplSchema } from './schema';

describe('specDefaults', () => {
  it('holds exactly what the parser fills in for a field left out', () => {
    const { id: _id, name: _name, ...model } = ModelSchema.parse({ id: 'm', name: 'M' });
    expect(specDefaults.model).toEqual(model);
    const { id: _c, from: _f, to: _t, ...channel } = ChannelSchema.parse({ id: 'c', from: 'a', to: 'b' });
    expect(specDefaults.channel).toEqual(channel);
  });

  it('gives each tool implementation kind its own defaults', () => {
    for (const kind of ['sim', 'search', 'archival_insert'] as const) {
      const { kind: _k, store: _s, ...rest } = ToolImplSchema.parse({ kind, store: 's' }) as Record<string, unknown>;
      expect(specDefaults.toolImpl[kind]).toEqual(rest);
    }
  });

  it('leaves out required and optional fields, and cannot be changed', () => {
    const d = fieldDefaults(z.object({ a: z.number(), b: z.string().optional(), c: z.number().default(7) }));
    expect(d).toEqual({ c: 7 });
    expect(Object.isFrozen(specDefaults.model)).toBe(true);
  });
});
