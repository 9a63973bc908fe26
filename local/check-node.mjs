// Plain JavaScript on purpose: it must run on any Node.js to explain what is needed.
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 18);
if (!modern || typeof module.registerHooks !== 'function') {
  console.error(
    `Stageline needs Node.js 22.18 or later (24 LTS recommended); this is ${process.version}.\n` +
      'It runs its TypeScript sources directly and hooks module loading, which older versions cannot.\n' +
      'Install Node.js 24, e.g.: npm install -g --prefix /opt/node24 node@24 && export PATH=/opt/node24/bin:$PATH',
  );
  process.exit(1);
}
