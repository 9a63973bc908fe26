/**
 * docs/benchmarks.md as a header and `## ` sections: a run replaces the sections it produced
 * (same heading line) and appends new ones; every other section stays as it was, in its place.
 */
export function replaceSections(current: string, header: string, produced: string): string {
  const existing = splitSections(current).sections;
  const fresh = splitSections(produced).sections;
  const merged = existing.map((section) => fresh.find((candidate) => candidate.heading === section.heading) ?? section);
  for (const section of fresh) if (!existing.some((old) => old.heading === section.heading)) merged.push(section);
  return `${header.trimEnd()}\n\n${merged.map((section) => section.text.trimEnd()).join('\n\n')}\n`;
}

export interface Section {
  /** The `## ` line itself. */
  readonly heading: string;
  /** The heading and everything up to the next `## ` line. */
  readonly text: string;
}

export function splitSections(markdown: string): { header: string; sections: Section[] } {
  const lines = markdown.split('\n');
  const starts = lines.flatMap((line, index) => (line.startsWith('## ') ? [index] : []));
  const sections = starts.map((start, n) => ({ heading: lines[start]!, text: lines.slice(start, starts[n + 1] ?? lines.length).join('\n') }));
  return { header: lines.slice(0, starts[0] ?? lines.length).join('\n'), sections };
}
