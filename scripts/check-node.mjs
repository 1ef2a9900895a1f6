// Plain JS on purpose: it must run, and explain itself, on any Node a newcomer may have.
// The floor is 22.22: vue-router 5 (its chokidar) needs it, undici 8 needs 22.19 and running .ts files directly 22.18.
// Keep it equal to package.json "engines" (npm refuses to install below it, see .npmrc) and .ci/run.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  console.error(
    `Kubernetes Model Manager needs Node.js >= 22.22 (24 LTS recommended); this is ${process.version}. ` +
      'Install Node 24 from https://nodejs.org, or run: npm install --prefix ~/.local/node24 node@24 && export PATH=~/.local/node24/node_modules/.bin:$PATH'
  );
  process.exit(1);
}
