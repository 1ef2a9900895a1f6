// Plain JS on purpose: it must run, and explain itself, on any Node a newcomer may have.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Kubernetes Model Manager needs Node.js >= 22.12 (24 LTS recommended); this is ${process.version}. ` +
      'Install Node 24 from https://nodejs.org, or run: npm install --prefix ~/.local/node24 node@24 && export PATH=~/.local/node24/node_modules/.bin:$PATH'
  );
  process.exit(1);
}
