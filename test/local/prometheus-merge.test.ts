import { describe, expect, it } from 'vitest';
import { mergeExpositions } from '../../local/host/prometheus-merge.ts';

const http = `# HELP requests_total Requests
# TYPE requests_total counter
requests_total{container="applications",operation="read"} 2
# HELP duration Request time
# TYPE duration histogram
duration_bucket{le="5"} 1
duration_bucket{le="+Inf"} 1
duration_sum 3
duration_count 1
plain 7
`;
const background = `# HELP requests_total Requests
# TYPE requests_total counter
requests_total{container="timeline",operation="create"} 1
# HELP backlog Retry backlog
# TYPE backlog gauge
backlog{} 0
`;

describe('mergeExpositions', () => {
  it('announces each family once and keeps every instance\'s samples, each labelled with its instance', () => {
    const merged = mergeExpositions([
      { labels: { functions_group: 'http' }, text: http },
      { labels: { functions_group: 'background' }, text: background },
    ]);
    expect(merged.match(/^# TYPE requests_total counter$/gm)).toHaveLength(1);
    expect(merged.match(/^# HELP requests_total /gm)).toHaveLength(1);
    expect(merged).toContain('requests_total{functions_group="http",container="applications",operation="read"} 2\nrequests_total{functions_group="background",container="timeline",operation="create"} 1');
    expect(merged).toContain('duration_bucket{functions_group="http",le="+Inf"} 1\nduration_sum{functions_group="http"} 3\nduration_count{functions_group="http"} 1');
    expect(merged).toContain('plain{functions_group="http"} 7');
    expect(merged).toContain('# TYPE backlog gauge\nbacklog{functions_group="background"} 0');
  });

  it('escapes label values and leaves an exposition without extra labels as it was', () => {
    expect(mergeExpositions([{ labels: { group: 'a"b\\c' }, text: 'x 1\n' }])).toContain('x{group="a\\"b\\\\c"} 1');
    expect(mergeExpositions([{ labels: {}, text: http }]).split('\n').filter(Boolean)).toEqual(http.split('\n').filter(Boolean));
  });
});
