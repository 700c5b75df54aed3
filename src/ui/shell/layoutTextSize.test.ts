/** Text is at least 11 px everywhere: every font size the studio sets, in CSS or in code. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MIN_PX = 11;

function files(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files(path, out);
    else if (/\.(css|tsx?)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Each pixel font size a file sets: `font-size: Npx`, the `font:` shorthand, `fontSize`, canvas fonts. */
function fontSizes(text: string): number[] {
  const found: number[] = [];
  const patterns = [
    /font-size:\s*([\d.]+)px/g,
    /\bfont:\s*[^;{}]*?\b([\d.]+)px/g,
    /fontSize\s*[:=]\s*\{?\s*['"]?([\d.]+)/g,
    /['"`]([\d.]+)px [^'"`]*(?:monospace|sans-serif|system-ui)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(Number(m[1]));
  return found;
}

describe('text size', () => {
  it('finds the sizes a file sets (the scanner itself)', () => {
    expect(fontSizes('.a { font-size: 10.5px; } .b { font: 600 9px/1 sans-serif; }')).toEqual([10.5, 9]);
    expect(fontSizes('ctx.font = "10px ui-monospace, monospace"; <svg fontSize="12">')).toEqual([12, 10]);
  });

  it('is at least 11 px in every stylesheet and component', () => {
    const small: string[] = [];
    for (const file of files(join(ROOT, 'ui'))) {
      const text = readFileSync(file, 'utf8');
      for (const px of fontSizes(text)) if (px < MIN_PX) small.push(`${relative(ROOT, file)}: ${px}px`);
    }
    expect(small).toEqual([]);
  });
});
