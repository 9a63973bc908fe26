import { describe, expect, it } from 'vitest';
import { compareRoutePrecedence, compileRoute, RouteTemplateError } from '../../local/host/http-route.ts';
import { createHttpRouteTable } from '../../local/host/http-route-table.ts';
import { httpFunction } from './http-support/http-fixtures.ts';

const match = (template: string, path: string) => compileRoute(template).match(path);

describe('route templates: parameters', () => {
  it('binds named parameters as decoded strings', () => {
    expect(match('applications/{applicationId}/stages/{stageId}', '/applications/a%20b/stages/st-1')).toEqual({ applicationId: 'a b', stageId: 'st-1' });
    expect(match('applications/{applicationId}', '/applications/x/extra')).toBeUndefined();
    expect(match('applications/{applicationId}', '/applications')).toBeUndefined();
  });

  it('matches literals case-insensitively and ignores one trailing slash', () => {
    expect(match('Api/Items', '/api/ITEMS')).toEqual({});
    expect(match('api/items', '/api/items/')).toEqual({});
    expect(match('api/items', '/api/item')).toBeUndefined();
  });

  it('treats an optional parameter as present or absent', () => {
    expect(match('items/{id?}', '/items/7')).toEqual({ id: '7' });
    expect(match('items/{id?}', '/items')).toEqual({});
    expect(match('items/{id:int?}', '/items/x')).toBeUndefined();
  });

  it('fills a default value when its segment is absent', () => {
    expect(match('pages/{page=1}', '/pages')).toEqual({ page: '1' });
    expect(match('pages/{page=1}', '/pages/4')).toEqual({ page: '4' });
  });

  it('gives a catch-all the rest of the path, slashes and decoding included', () => {
    expect(match('files/{*path}', '/files/a/b%20c/d.txt')).toEqual({ path: 'a/b c/d.txt' });
    expect(match('files/{**path}', '/files/x')).toEqual({ path: 'x' });
    expect(match('files/{*path}', '/files')).toEqual({});
  });

  it('matches segments that mix literals and parameters', () => {
    expect(match('docs/{name}.{ext}', '/docs/report.v2.pdf')).toEqual({ name: 'report.v2', ext: 'pdf' });
    expect(match('docs/{name}.{ext?}', '/docs/readme')).toEqual({ name: 'readme' });
    expect(match('docs/{name}.{ext?}', '/docs/readme.md')).toEqual({ name: 'readme', ext: 'md' });
    expect(match('v{version:int}/ping', '/V2/ping')).toEqual({ version: '2' });
    expect(match('v{version:int}/ping', '/vx/ping')).toBeUndefined();
  });

  it('decodes %2F inside a single segment value', () => {
    expect(match('blobs/{name}', '/blobs/a%2Fb')).toEqual({ name: 'a/b' });
  });
});

describe('route templates: constraints', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['int', ['42', '-7', '+3', '2147483647'], ['2147483648', '4.2', 'x', '0x10']],
    ['long', ['9223372036854775807', '-1'], ['9223372036854775808', '1e3']],
    ['alpha', ['abc', 'ABCdef'], ['abc1', 'a-b', 'é']],
    ['bool', ['true', 'FALSE', 'True'], ['yes', '1']],
    ['guid', ['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5bd9cb469fa16570867728950e', '{0F8FAD5B-D9CB-469F-A165-70867728950E}', '(0f8fad5b-d9cb-469f-a165-70867728950e)'], ['0f8fad5b-d9cb-469f-a165', 'zf8fad5b-d9cb-469f-a165-70867728950e']],
    ['decimal', ['1.5', '-2', '1,000.25'], ['1e3', 'abc']],
    ['double', ['1.5', '1e3', '-0.25'], ['abc', '1..2']],
    ['minlength(3)', ['abc', 'abcd'], ['ab']],
    ['maxlength(3)', ['a', 'abc'], ['abcd']],
    ['length(3)', ['abc'], ['ab', 'abcd']],
    ['length(2,4)', ['ab', 'abcd'], ['a', 'abcde']],
    ['min(10)', ['10', '99'], ['9', 'x']],
    ['max(10)', ['10', '-5'], ['11', 'x']],
    ['range(1,5)', ['1', '5'], ['0', '6', 'x']],
    ['regex(^[a-z]{{2}}\\d+$)', ['ab12', 'AB3'], ['abc1', 'a1']],
    ['regex(\\d)', ['x1y'], ['xyz']],
    ['int:min(1)', ['1', '20'], ['0', 'x']],
  ];
  for (const [constraint, accepted, rejected] of cases) {
    it(`{value:${constraint}} accepts ${accepted.join(' ')} and rejects ${rejected.join(' ')}`, () => {
      const route = compileRoute(`v/{value:${constraint}}`);
      for (const value of accepted) expect(route.match(`/v/${encodeURIComponent(value)}`), value).toEqual({ value });
      for (const value of rejected) expect(route.match(`/v/${encodeURIComponent(value)}`), value).toBeUndefined();
    });
  }
});

describe('route templates: malformed', () => {
  const bad: Array<[string, RegExp]> = [
    ['items/{id', /closing brace/],
    ['items/id}', /unmatched '}'/],
    ['items/{id:integer}', /unknown constraint 'integer'/],
    ['items/{id:minlength(x)}', /non-integer argument/],
    ['items/{id:length}', /expects 1 integer argument/],
    ['items/{id:regex(()}', /unbalanced parentheses/],
    ['items/{id:regex(a{{2,1}})}', /not a valid regular expression/],
    ['{*rest}/items', /catch-all parameter 'rest' must be in the last segment/],
    ['{*rest?}', /cannot be marked optional/],
    ['items/{id}/{ID}', /appears more than once/],
    ['items/{id?}/edit', /follows optional parameter 'id'/],
    ['items?/{id}', /'\?' may only end a parameter/],
    ['items//{id}', /empty segment/],
    ['{a}{b}', /must be separated/],
    ['{a?}.{b}', /optional parameter 'a' must be at the end/],
    ['{a}-{b?}', /preceded by '\.' alone/],
    ['items/{}', /has no name/],
    ['items/{id=3?}', /cannot have a default value/],
    ['items/{id?=3}', /parameter name 'id\?' contains an invalid character/],
  ];
  for (const [template, reason] of bad) {
    it(`rejects '${template}'`, () => {
      let thrown: unknown;
      try {
        compileRoute(template);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RouteTemplateError);
      expect((thrown as RouteTemplateError).message).toContain(`'${template}'`);
      expect((thrown as RouteTemplateError).message).toMatch(reason);
    });
  }

  it('accepts literal braces written as {{ and }}', () => {
    expect(match('weird/{{x}}', '/weird/%7Bx%7D')).toEqual({});
  });
});

describe('route precedence', () => {
  const ordered = (...templates: string[]) =>
    templates
      .map((template) => compileRoute(template))
      .sort(compareRoutePrecedence)
      .map((route) => route.template);

  it('puts literal segments before parameters, constrained before unconstrained, longer before shorter', () => {
    expect(ordered('api/{userId}', 'api/ping')).toEqual(['api/ping', 'api/{userId}']);
    expect(ordered('api/{slug}', 'api/{id:int}')).toEqual(['api/{id:int}', 'api/{slug}']);
    expect(ordered('api/{a}', 'api/{a}/{b?}')).toEqual(['api/{a}/{b?}', 'api/{a}']);
    expect(ordered('api/{*rest}', 'api/items/{id}')).toEqual(['api/items/{id}', 'api/{*rest}']);
  });

  it('routes a request to the most specific function, regardless of registration order', () => {
    const noop = () => undefined;
    const table = createHttpRouteTable(
      [
        httpFunction('byId', noop, { route: 'items/{id}' }),
        httpFunction('catchAll', noop, { route: '{*rest}' }),
        httpFunction('newItem', noop, { route: 'items/new' }),
        httpFunction('numeric', noop, { route: 'items/{id:int}' }),
      ],
      'api',
    );
    const served = (path: string) => {
      const found = table.lookup('GET', path);
      return found.kind === 'matched' ? found.route.fn.name : found.kind;
    };
    expect(served('/api/items/new')).toBe('newItem');
    expect(served('/api/items/42')).toBe('numeric');
    expect(served('/api/items/abc')).toBe('byId');
    expect(served('/api/other/thing')).toBe('catchAll');
    expect(served('/elsewhere')).toBe('notFound');
  });

  it('names the function whose route is malformed', () => {
    expect(() => createHttpRouteTable([httpFunction('broken', () => undefined, { route: 'x/{id:nope}' })], 'api')).toThrow(
      /'api\/x\/\{id:nope\}'.*function 'broken'/,
    );
  });
});
