/**
 * Where our Open_vSwitch schema file lives, and loading it. The JSON sits in
 * sim/ovsdb/schemas/; compiled code under dist/ looks for it back in the source tree,
 * since tsc copies no JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DbSchema } from './schema.js';
import { parseSchema } from './schema.js';

const FILE = 'vswitch.ovsschema.json';

/** Path of the Open_vSwitch schema file that `ovsdb-tool create` uses by default. */
export function vswitchSchemaPath(): string {
  const here = new URL(`./schemas/${FILE}`, import.meta.url);
  const candidates = [fileURLToPath(here), fileURLToPath(new URL(`../../../sim/ovsdb/schemas/${FILE}`, import.meta.url))];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** The Open_vSwitch schema, parsed. */
export function vswitchSchema(): DbSchema {
  return parseSchema(JSON.parse(readFileSync(vswitchSchemaPath(), 'utf8')));
}
