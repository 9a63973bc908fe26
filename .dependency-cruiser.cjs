/** Boundaries between the core, the entry points and the local host (STYLE.md §10). */
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
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(shared|functions)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
