import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The workbook the infrastructure deploys (infra/workbook.json) has one panel per seed metric, and
 * each panel runs a query docs/observability.md documents, word for word.
 */
const root = resolve(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs/observability.md'), 'utf8');
const workbook = JSON.parse(readFileSync(join(root, 'infra/workbook.json'), 'utf8')) as { version: string; items: Array<{ type: number; name: string; content: { query?: string; title?: string } }> };
const normalise = (query: string) => query.trim().replace(/\s+/g, ' ');
const documentedQueries = new Set([...doc.matchAll(/```kusto\n([\s\S]*?)```/g)].map((match) => normalise(match[1]!)));
const panels = workbook.items.filter((item) => item.type === 3);

/** The seed metrics table: instruments named in its second column. */
function seedInstruments(): string[] {
  const section = doc.slice(doc.indexOf('## Seed metrics'), doc.indexOf('\n## ', doc.indexOf('## Seed metrics') + 1));
  return [...section.matchAll(/`(stageline\.[a-z_.]+)`/g)].map((match) => match[1]!);
}

describe('the Stageline workbook', () => {
  it('is a workbook the infrastructure deploys', () => {
    expect(workbook.version).toBe('Notebook/1.0');
    expect(readFileSync(join(root, 'infra/modules/monitoring.bicep'), 'utf8')).toContain("serializedData: loadTextContent('../workbook.json')");
  });

  it('runs only queries docs/observability.md documents', () => {
    for (const panel of panels) expect(documentedQueries.has(normalise(panel.content.query ?? '')), `panel ${panel.name}`).toBe(true);
  });

  it('has a panel for every seed metric instrument', () => {
    const instruments = seedInstruments();
    expect(instruments.length).toBeGreaterThanOrEqual(8);
    for (const instrument of instruments) expect(panels.some((panel) => (panel.content.query ?? '').includes(`"${instrument}"`)), instrument).toBe(true);
  });
});
