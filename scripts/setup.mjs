#!/usr/bin/env node
// npm run setup: gives .env (in the working directory) a random AUTH_SECRET and METRICS_TOKEN,
// once. A value already there is never replaced: a new AUTH_SECRET would sign every reader and
// moderator out, and docker compose up / npm start read .env at every start.
// Plain Node, no build and no dependency, so it runs on a fresh clone.
import { randomBytes } from 'node:crypto';
import { chmodSync, openSync, readFileSync, renameSync, statSync, writeFileSync, closeSync } from 'node:fs';
import { parseEnv } from 'node:util';

const FILE = '.env';

const generated = {
  // 48 random bytes: 384 bits, well over the 256 the service asks for in production
  AUTH_SECRET: () => randomBytes(48).toString('base64url'),
  METRICS_TOKEN: () => randomBytes(24).toString('hex'),
};

function readExisting() {
  try {
    return readFileSync(FILE, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

/** `NAME=` with nothing (or only empty quotes) after it: the service reads it as unset. */
function emptyAssignment(name) {
  return new RegExp(`^[ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=[ \\t]*(?:""|''|\`\`)?[ \\t]*$`, 'm');
}

const text = readExisting();
const values = text === null ? {} : parseEnv(text);
let next = text ?? '# Written by npm run setup; see .env.example for every setting.\n';
const added = [];
for (const [name, generate] of Object.entries(generated)) {
  if (values[name]?.trim()) continue;
  const line = `${name}=${generate()}`;
  if (emptyAssignment(name).test(next)) {
    next = next.replace(emptyAssignment(name), line);
  } else {
    next += (next === '' || next.endsWith('\n') ? '' : '\n') + line + '\n';
  }
  added.push(name);
}

if (text === null) {
  // 'wx': fails if another process created .env meanwhile, rather than replacing its secrets
  const fd = openSync(FILE, 'wx', 0o600);
  writeFileSync(fd, next);
  closeSync(fd);
} else if (added.length > 0) {
  // written whole to a private file first, so an interrupted run never leaves half a .env
  const temp = `${FILE}.${process.pid}.tmp`;
  writeFileSync(temp, next, { mode: 0o600, flag: 'wx' });
  renameSync(temp, FILE);
} else if ((statSync(FILE).mode & 0o077) !== 0) {
  chmodSync(FILE, 0o600);
  console.log(`${FILE}: made readable by its owner only (it holds secrets).`);
}

for (const name of Object.keys(generated)) {
  console.log(`${FILE}: ${name} ${added.includes(name) ? 'generated' : 'kept (already set)'}`);
}
if (!values.PUBLIC_URL?.trim()) {
  console.log(`Next: set PUBLIC_URL in ${FILE} to the address readers reach the service at, e.g. https://comments.example.com.`);
}
