import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../kernel';
import { exportText } from './projectFiles';

const PLANTED = 'sk-live-PLANTED-4242';

describe('a project export holds no secret', () => {
  it('every field marked secret (tool result, store document, core block) is exported redacted; the rest as written', () => {
    const doc = JSON.parse(readFileSync('public/examples/injection.json', 'utf8')) as Record<string, any>;
    doc.tools[0].impl.result = PLANTED;
    doc.tools[0].secret = true;
    doc.stores = [{ id: 'kb', name: 'KB', documents: [{ text: `door code ${PLANTED}`, secret: true }, { text: 'public note' }] }];
    doc.agents[0].memory = { coreBlocks: [{ label: 'keys', value: `mine: ${PLANTED}`, secret: true }] };
    // Pasted where no field is marked: redacted by value.
    doc.agents[0].systemPrompt += ` Never say ${PLANTED}.`;
    const exported = exportText(doc);
    expect(exported).not.toContain(PLANTED);
    const back = JSON.parse(exported) as Record<string, any>;
    expect(back.tools[0].impl.result).toBe(REDACTED);
    expect(back.stores[0].documents).toEqual([{ text: REDACTED, secret: true }, { text: 'public note' }]);
    expect(back.agents[0].memory.coreBlocks[0].value).toBe(REDACTED);
    expect(back.tools[1]).toEqual(doc.tools[1]);
    expect(back.agents[0].systemPrompt).toContain(`Never say ${REDACTED}.`);
  });
});
