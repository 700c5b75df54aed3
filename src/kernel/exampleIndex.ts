/**
 * The examples index (public/examples/index.json): each shipped example with its lesson — the
 * pillar it belongs to, the break point of the OS analogy it shows (docs/analogy.md), what to
 * watch, the mechanism, where the analogy holds and breaks, "jump to" links naming the events
 * that show it, and a question to try. Parse errors name the entry and the field.
 */
import { z } from 'zod';
import { EVENT_TYPES } from './trace/events';

/** The four pillars of the "Operating System" note, in the order the index groups them. */
export const PILLARS = ['scheduling', 'memory', 'trust', 'cooperation'] as const;
export type Pillar = (typeof PILLARS)[number];

/**
 * The six break points of the note "Where the Analogy Breaks", as the studio reads them, in the
 * note's order: 1 the CPU can be persuaded, 2 memory has validity, 3 "done" is semantic, 4 IPC is
 * lossy, 5 the CPU is statistical, 6 identity must be anchored.
 */
export const BREAK_POINTS = ['persuadable', 'validity', 'semantic-done', 'lossy-ipc', 'statistical', 'identity'] as const;
export type BreakPoint = (typeof BREAK_POINTS)[number];

const eventTypes = EVENT_TYPES as readonly string[];

/** A "jump to" link: the first event of `type` (by `agent`, when given) in the example's run at seed 1. */
export const LessonJumpSchema = z.strictObject({
  label: z.string().min(1),
  type: z.string().refine((t) => eventTypes.includes(t), { message: 'not a kernel event type (kernel/trace/events.ts)' }),
  agent: z.string().min(1).optional(),
});

export const LessonSchema = z.strictObject({
  watch: z.string().min(1),
  mechanism: z.string().min(1),
  analogy: z.string().min(1),
  jumps: z.array(LessonJumpSchema).min(1),
  question: z.string().min(1),
});

export const ExampleEntrySchema = z.strictObject({
  file: z.string().regex(/^[\w.-]+\.json$/, 'a file name in public/examples ending in .json'),
  name: z.string().min(1),
  about: z.string().min(1),
  pillar: z.enum(PILLARS),
  breakPoint: z.enum(BREAK_POINTS).optional(),
  lesson: LessonSchema,
});

export type LessonJump = z.infer<typeof LessonJumpSchema>;
export type Lesson = z.infer<typeof LessonSchema>;
export type ExampleEntry = z.infer<typeof ExampleEntrySchema>;

/** Parses the whole index: the entries, or every problem as `[i] (file) path: message`. */
export function parseExampleIndex(raw: unknown): { ok: true; entries: ExampleEntry[] } | { ok: false; errors: string[] } {
  if (!Array.isArray(raw)) return { ok: false, errors: ['the examples index is a JSON array of entries'] };
  const entries: ExampleEntry[] = [];
  const errors: string[] = [];
  raw.forEach((x, i) => {
    const r = ExampleEntrySchema.safeParse(x);
    const file = typeof (x as { file?: unknown })?.file === 'string' ? ` (${(x as { file: string }).file})` : '';
    if (r.success) entries.push(r.data);
    else for (const issue of r.error.issues) errors.push(`[${i}]${file} ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
  });
  const files = new Set<string>();
  for (const e of entries) {
    if (files.has(e.file)) errors.push(`${e.file} is listed twice`);
    files.add(e.file);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}

/** The entries grouped by pillar, then break point (none last), each group in index order. */
export function groupExamples(entries: readonly ExampleEntry[]): { pillar: Pillar; groups: { breakPoint: BreakPoint | null; entries: ExampleEntry[] }[] }[] {
  return PILLARS.map((pillar) => {
    const of = entries.filter((e) => e.pillar === pillar);
    const keys: (BreakPoint | null)[] = [...BREAK_POINTS, null];
    const groups = keys.map((bp) => ({ breakPoint: bp, entries: of.filter((e) => (e.breakPoint ?? null) === bp) })).filter((g) => g.entries.length > 0);
    return { pillar, groups };
  }).filter((p) => p.groups.length > 0);
}
