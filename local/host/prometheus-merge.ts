/**
 * One Prometheus text exposition from several: the local host's instances each export their
 * own OpenTelemetry metrics, and `GET /metrics` answers with all of them. A metric family
 * exported by more than one instance appears once (its `# HELP` and `# TYPE` from the first),
 * with every instance's samples, each sample labelled with the instance it came from, so no
 * two samples collide and nothing is summed behind the reader's back.
 */
export interface Exposition {
  /** Label added to every sample of this exposition, e.g. `{ functions_group: 'http' }`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly text: string;
}

interface Family {
  readonly comments: string[];
  readonly samples: string[];
}

export function mergeExpositions(expositions: readonly Exposition[]): string {
  const families = new Map<string, Family>();
  const familyOf = (name: string): Family => {
    let family = families.get(name);
    if (!family) {
      family = { comments: [], samples: [] };
      families.set(name, family);
    }
    return family;
  };
  for (const { labels, text } of expositions) {
    const extra = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',');
    let current: { readonly name: string; readonly family: Family } | undefined;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (comment) {
        current = { name: comment[2]!, family: familyOf(comment[2]!) };
        if (!current.family.comments.some((kept) => kept.startsWith(`# ${comment[1]} `))) current.family.comments.push(line);
        continue;
      }
      if (line.startsWith('#')) continue;
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
      if (name === undefined) continue;
      // A sample without a family comment of its own (untyped) is a family of its own name.
      if (!current || !belongsTo(name, current.name)) current = { name, family: familyOf(name) };
      current.family.samples.push(withLabels(line, name, extra));
    }
  }
  const out: string[] = [];
  for (const family of families.values()) out.push(...family.comments, ...family.samples, '');
  return out.join('\n');
}

/** `http_duration_bucket` belongs to the family `http_duration` announced before it. */
function belongsTo(sampleName: string, familyName: string): boolean {
  return sampleName === familyName || (sampleName.startsWith(familyName) && /^_(bucket|sum|count|total|created|info)$/.test(sampleName.slice(familyName.length)));
}

function withLabels(line: string, name: string, extra: string): string {
  if (extra === '') return line;
  const rest = line.slice(name.length);
  if (rest.startsWith('{}')) return `${name}{${extra}}${rest.slice(2)}`;
  return rest.startsWith('{') ? `${name}{${extra},${rest.slice(1)}` : `${name}{${extra}}${rest}`;
}

function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
