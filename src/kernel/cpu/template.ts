import { ownValue, putOwn } from '../ids';

/** Fills {{last}}, {{var.NAME}} and {{args.NAME}} in sim scripts and tool results. */
export function render(template: string, scope: { last?: string; vars?: Readonly<Record<string, string>>; args?: Readonly<Record<string, unknown>> }): string {
  if (!template.includes('{{')) return template;
  return template.replace(/\{\{\s*([a-zA-Z]+)(?:\.([A-Za-z0-9_-]+))?\s*\}\}/g, (whole, head: string, name: string | undefined) => {
    if (head === 'last' && name === undefined) return scope.last ?? '';
    if (head === 'var' && name !== undefined) return ownValue(scope.vars, name) ?? '';
    if (head === 'args' && name !== undefined) {
      const v = ownValue(scope.args, name);
      return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    }
    return whole;
  });
}

/** The variables a template reads: `last` for {{last}}, NAME for {{var.NAME}} (what taint joins). */
export function templateVars(template: string): string[] {
  if (!template.includes('{{')) return [];
  const out = new Set<string>();
  for (const m of template.matchAll(/\{\{\s*(last|var)(?:\.([A-Za-z0-9_-]+))?\s*\}\}/g)) {
    if (m[1] === 'last' && m[2] === undefined) out.add('last');
    else if (m[1] === 'var' && m[2] !== undefined) out.add(m[2]);
  }
  return [...out];
}

/** Renders every string inside a JSON value (call arguments), collecting the variables read. */
export function renderValue(value: unknown, scope: Parameters<typeof render>[1], uses: Set<string>): unknown {
  if (typeof value === 'string') {
    for (const v of templateVars(value)) uses.add(v);
    return render(value, scope);
  }
  if (Array.isArray(value)) return value.map((x) => renderValue(x, scope, uses));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) putOwn(out, k, renderValue(x, scope, uses));
    return out;
  }
  return value;
}
