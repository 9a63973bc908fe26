import { describe, expect, it } from 'vitest';
import { routeTable } from '../../functions/http/routes/route-table.ts';

describe('route templates', () => {
  it('never start with a segment the Azure Functions host keeps for itself (it would refuse to register the function)', () => {
    const reserved = routeTable.filter((definition) => /^(admin|runtime)/i.test(definition.route));
    expect(reserved.map((definition) => `${definition.name}: ${definition.route}`)).toEqual([]);
    expect(routeTable.some((definition) => definition.route.startsWith('manage/'))).toBe(true);
  });
});
