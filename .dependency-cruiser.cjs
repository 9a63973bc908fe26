/**
 * Boundaries between the core, the entry points and the local host (STYLE.md §10), and between
 * the capability folders inside shared/ (ARCHITECTURE.md "Layout").
 *
 * Paths are matched relative to the directory dependency-cruiser runs in (the repository root,
 * or a fixture root under test/architecture/fixtures/ for the rule tests), so every rule on our
 * own code is anchored at `^shared/`, `^functions/` or `^local/`. Packages are matched unanchored
 * (`(^|/)@azure/`) because a fixture resolves them through `../../../../node_modules/`. Each rule
 * is proven by a fixture in test/architecture/fixtures/<rule-name>/.
 */
const path = require('node:path');

/** Node core modules that do I/O, with or without the `node:` prefix, and their sub-paths (`fs/promises`). */
const IO_CORE_MODULES = '^(node:)?(fs|net|http|https|http2|tls|dgram|child_process)(/|$)';
/** Vendor SDKs: resolved into node_modules, or left as the bare name when unresolvable. */
const VENDOR_SDKS = ['(^|/)@azure/', '(^|/)googleapis(/|$)', '(^|/)@googleapis/', '(^|/)google-auth-library(/|$)'];

module.exports = {
  forbidden: [
    {
      name: 'core-stays-vendor-host-free',
      comment: 'shared/ is the core: it never imports entry points, the local host or the Functions runtime.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: ['^functions/', '^local/', '^test/', '^bench/', 'node_modules/@azure/functions/'] },
    },
    {
      name: 'entry-points-never-import-local-host',
      comment: 'functions/ deploys to Azure; the local host is not shipped.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: ['^local/', '^test/', '^bench/'] },
    },
    {
      name: 'domain-is-pure',
      comment:
        'shared/<capability>/domain/ holds pure models, rules and lifecycle tables: no I/O modules, no vendor SDK, ' +
        'and nothing from adapters/, use-cases/ (of any capability), functions/ or local/.',
      severity: 'error',
      from: { path: '^shared/[^/]+/domain/' },
      to: {
        path: [IO_CORE_MODULES, ...VENDOR_SDKS, '^shared/[^/]+/(adapters|use-cases)/', '^(functions|local)/'],
      },
    },
    {
      name: 'capabilities-meet-at-published-parts',
      comment:
        'A capability may use another capability only through its domain/, ports/ and api/; never its adapters/, ' +
        'use-cases/ or <cap>.module.ts. shared/composition-root.ts wires everything and is exempt (it is not inside a ' +
        'capability folder). platform/ is below every capability and has its own rule.',
      severity: 'error',
      from: { path: '^shared/([^/]+)/', pathNot: ['^shared/platform/', '^shared/composition-root\\.ts$'] },
      to: {
        path: '^shared/[^/]+/',
        pathNot: ['^shared/$1/', '^shared/platform/', '^shared/[^/]+/(domain|ports|api)/'],
      },
    },
    {
      name: 'platform-below-capabilities',
      comment: 'shared/platform/ is cross-cutting code under the capabilities: it imports no capability folder and no wiring.',
      severity: 'error',
      from: { path: '^shared/platform/' },
      to: { path: '^shared/', pathNot: '^shared/platform/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(shared|functions|local)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)test/architecture/fixtures/' },
    tsPreCompilationDeps: true,
    // Absolute, so the same config works from the repository root and from a fixture root.
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
