/** Fills {{last}}, {{var.NAME}} and {{args.NAME}} in sim scripts and tool results. */
export function render(template: string, scope: { last?: string; vars?: Readonly<Record<string, string>>; args?: Readonly<Record<string, unknown>> }): string {
  if (!template.includes('{{')) return template;
  return template.replace(/\{\{\s*([a-zA-Z]+)(?:\.([A-Za-z0-9_-]+))?\s*\}\}/g, (whole, head: string, name: string | undefined) => {
    if (head === 'last' && name === undefined) return scope.last ?? '';
    if (head === 'var' && name !== undefined) return scope.vars?.[name] ?? '';
    if (head === 'args' && name !== undefined) {
      const v = scope.args?.[name];
      return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    }
    return whole;
  });
}
