// index.d.ts against index.js: it compiles with the generated schema types (tsc, strict), and
// it declares exactly the members a client has.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

import { createAuthClient } from "../index.js";

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..");

it("the declarations compile under tsc --strict, and test/types-check.ts type-checks against them", () => {
  const tsc = join(PACKAGE, "node_modules", ".bin", "tsc");
  try {
    execFileSync(tsc, ["-p", join(PACKAGE, "tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    assert.fail(`tsc found errors:\n${error.stdout}${error.stderr}`);
  }
});

function declaredMembers(name) {
  const source = readFileSync(join(PACKAGE, "index.d.ts"), "utf8");
  const start = source.indexOf(`export interface ${name} {`);
  assert.ok(start >= 0, `interface ${name} in index.d.ts`);
  const body = source.slice(start, source.indexOf("\n}\n", start));
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)[(?<:]/gm)].map((match) => match[1]).sort();
}

it("AuthClient declares every member of a client, and nothing else", () => {
  const client = createAuthClient({ broadcastChannel: null, locks: null, pageOrigin: null, document: null });
  assert.deepEqual(declaredMembers("AuthClient"), Object.keys(client).sort());
  client.close();
});

it("AuthClientOptions declares every option index.js reads", () => {
  const source = readFileSync(join(PACKAGE, "index.js"), "utf8");
  const read = new Set([...source.matchAll(/options\.(\w+)|"(\w+)" in options/g)].map((m) => m[1] || m[2]));
  const destructured = source.match(/const \{\n([\s\S]*?)\} = options;/)[1];
  for (const match of destructured.matchAll(/^\s+(\w+)/gm)) read.add(match[1]);
  const declared = new Set(declaredMembers("AuthClientOptions"));
  assert.deepEqual([...read].filter((name) => !declared.has(name)), []);
});

it("the generator types an open object's extra members as unknown, beside the named ones", async () => {
  const { generate } = await import("../scripts/generate-schema-types.mjs");
  const source = generate({
    definitions: {
      Open: { type: "object", properties: { id: { type: "string" } }, additionalProperties: true },
      Strings: { type: "object", properties: { id: { type: "integer" } }, additionalProperties: { type: "string" } },
    },
    paths: {},
  });

  assert.match(source, /export interface Open \{\n {2}id\?: string;\n {2}\[key: string\]: unknown;\n\}/);
  assert.match(source, /export interface Strings \{\n {2}id\?: number;\n {2}\[key: string\]: string \| number \| undefined;\n\}/);
});
