/**
 * Whether a document can run here: every model's provider must have a CPU. The sim CPU is built
 * in; any other provider needs an endpoint the host (the studio's worker, the CLI) hands the
 * kernel. Checked before a run starts, so a document that cannot run says so instead of
 * starting a run whose jobs all fail.
 */
import type { HarnessSpec } from '../spec';
import type { SpecIssue } from '../spec/parse';

/** The providers the kernel runs by itself, with no endpoint: the seeded, offline sim CPU. */
export const BUILTIN_PROVIDERS: readonly string[] = Object.freeze(['sim']);

/**
 * Every model whose provider cannot run here, reported at `models[i].provider` with the model
 * and what is missing. Pure; an empty list means every model can run.
 *
 * @param available the providers with a CPU here for every model: BUILTIN_PROVIDERS plus those of configured endpoints
 * @param endpoints the ids of models that have an endpoint of their own (the CLI's keys and
 *   --base-url, the studio's Settings): such a model runs whatever its provider
 */
export function checkRunnable(spec: HarnessSpec, available: Iterable<string>, endpoints: Iterable<string> = []): SpecIssue[] {
  const have = new Set(available);
  const own = new Set(endpoints);
  const list = [...have].sort().join(', ') || 'none';
  const issues: SpecIssue[] = [];
  spec.models.forEach((m, i) => {
    if (have.has(m.provider) || own.has(m.id)) return;
    const path = `models[${i}].provider`;
    issues.push({
      path,
      message: `${path}: model "${m.id}" uses provider "${m.provider}", which cannot run here: no ${m.provider} endpoint is available (available: ${list})`,
      expected: `a provider that can run here (${list})`,
      found: JSON.stringify(m.provider),
    });
  });
  return issues;
}
