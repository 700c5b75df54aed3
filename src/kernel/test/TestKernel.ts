/**
 * A headless kernel for tests, with a chainable API: build a document, spawn, step, and
 * expect state and events. Uses the sim CPU and in-memory everything.
 */
import { Kernel, type KernelOptions } from '../kernel';
import { parseHarness, type HarnessSpec, type HarnessSpecInput } from '../spec';
import type { KernelEvent, KernelEventType } from '../trace/events';

/** A minimal valid document: one sim model with `slots`, the given agents and extras. */
export function harness(parts: Partial<HarnessSpecInput> & { slots?: number } = {}): HarnessSpec {
  const { slots = 1, ...rest } = parts;
  const doc: HarnessSpecInput = {
    version: 1,
    name: 'test',
    models: [{ id: 'm', name: 'M', provider: 'sim', slots, tokensPerSecond: 100 }],
    ...rest,
  };
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(`test document invalid: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.spec;
}

export class TestKernel {
  readonly kernel: Kernel;

  private constructor(kernel: Kernel) {
    this.kernel = kernel;
  }

  static spawn(spec: HarnessSpec, opts: Partial<KernelOptions> = {}): TestKernel {
    return new TestKernel(Kernel.create(spec, { runId: 'test-run', seed: 1, ...opts }));
  }

  async step(n = 1): Promise<this> {
    for (let i = 0; i < n; i++) await this.kernel.step();
    return this;
  }

  async runToEnd(maxEvents = 100_000): Promise<this> {
    await this.kernel.runUntil({ maxEvents });
    return this;
  }

  async runUntilType(type: KernelEventType): Promise<this> {
    await this.kernel.runUntil({ until: (e) => e.type === type });
    return this;
  }

  events(type?: KernelEventType): KernelEvent[] {
    return type ? this.kernel.events.filter((e) => e.type === type) : [...this.kernel.events];
  }

  types(): KernelEventType[] {
    return this.kernel.events.map((e) => e.type);
  }

  get state() {
    return this.kernel.state;
  }
}
