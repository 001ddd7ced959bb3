#!/usr/bin/env node
/**
 * `node scripts/fill-lock.js` — run after changing dependencies (npm install).
 *
 * The npm registry these machines reach serves only this platform's binaries (linux-x64); other
 * platforms' optional packages (e.g. @swc/core-darwin-arm64) answer 404, so npm leaves them out
 * of package-lock.json, and `npm ci` then refuses the lock as "not in sync". This adds a stub
 * entry (version + optional) for each optional dependency the lock lacks, at the place npm's
 * resolution would look for it. `npm ci` accepts the lock and skips the stubs: optional
 * packages for other platforms are never installed anyway.
 */
const fs = require('node:fs');
const path = require('node:path');
// Run after `npm install` (node_modules present), so semver is there (npm's own dependency too).
const semver = require('semver');

const file = path.resolve(process.argv[2] || path.join(__dirname, '..', 'package-lock.json'));
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;

/** Locations node would search for `name` from a package at `loc`, nearest first. */
function candidates(loc, name) {
  const out = [];
  let dir = loc;
  for (;;) {
    out.push(`${dir ? `${dir}/` : ''}node_modules/${name}`);
    if (!dir) break;
    const i = dir.lastIndexOf('/node_modules/');
    if (i >= 0) dir = dir.slice(0, i);
    else if (dir.startsWith('node_modules/')) dir = '';
    else dir = ''; // a workspace folder: its parent is the root
  }
  return out;
}

let added = 0;
for (const [loc, meta] of Object.entries(pkgs)) {
  if (meta.link) continue;
  for (const [name, version] of Object.entries(meta.optionalDependencies || {})) {
    const places = candidates(loc, name);
    const found = places.find((p) => pkgs[p]);
    // The nearest one is what node would load: it must satisfy the range.
    const range = semver.validRange(version);
    if (found && (!range || semver.satisfies(pkgs[found].version, range))) continue;
    if (!range) continue; // a tag or URL we cannot place: leave it to npm
    // Missing: hoist to the root if free, else nest under the dependent (a different version holds the name).
    const slot = found ? places[0] : places[places.length - 1];
    if (pkgs[slot]) continue;
    pkgs[slot] = { version: semver.minVersion(range).version, optional: true };
    added++;
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fill-lock: ${added} optional other-platform entries added to ${path.relative(process.cwd(), file) || file}`);
