#!/usr/bin/env node
// Writes schema.d.ts, the TypeScript types of the API's bodies and operations, from its
// Swagger 2.0 schema (GET /swagger.json). The project's tests regenerate it from the server's
// schema and fail when the committed file differs.
//
//   node scripts/generate-schema-types.mjs http://localhost:8000/swagger.json > schema.d.ts
//   node scripts/generate-schema-types.mjs swagger.json > schema.d.ts
//   ... | node scripts/generate-schema-types.mjs - > schema.d.ts

import { readFileSync } from "node:fs";

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

async function readSchema(source) {
  if (!source || source === "-") return JSON.parse(readFileSync(0, "utf8"));
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`GET ${source}: HTTP ${response.status}`);
    return response.json();
  }
  return JSON.parse(readFileSync(source, "utf8"));
}

function comment(text, indent) {
  if (!text) return "";
  const lines = String(text).trim().split("\n");
  return `${indent}/** ${lines.join(`\n${indent} * `)} */\n`;
}

function key(name) {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/**
 * The TypeScript type of a schema. Properties the API marks readOnly are always present in
 * its answers, so they count as required there.
 */
function typeOf(schema, indent = "") {
  if (!schema) return "unknown";
  if (schema.$ref) return schema.$ref.split("/").pop();
  let type;
  if (schema.enum) {
    type = schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  } else if (schema.type === "array") {
    const item = typeOf(schema.items, indent);
    type = /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
  } else if (schema.type === "object" || schema.properties) {
    type = objectType(schema, indent);
  } else if (schema.type === "integer" || schema.type === "number") {
    type = "number";
  } else if (schema.type === "string" || schema.type === "boolean") {
    type = schema.type;
  } else {
    type = "unknown";
  }
  return schema["x-nullable"] ? `${type} | null` : type;
}

function objectType(schema, indent) {
  const inner = `${indent}  `;
  const required = new Set(schema.required || []);
  const members = [];
  const propertyTypes = [];
  for (const [name, property] of Object.entries(schema.properties || {})) {
    const optional = required.has(name) || property.readOnly ? "" : "?";
    const type = typeOf(property, inner);
    propertyTypes.push(type);
    members.push(`${comment(property.description, inner)}${inner}${key(name)}${optional}: ${type};`);
  }
  if (schema.additionalProperties) {
    const extra = schema.additionalProperties === true ? "unknown" : typeOf(schema.additionalProperties, inner);
    // An index signature covers the named properties too (unknown covers them all).
    const union =
      extra === "unknown"
        ? [extra]
        : [...new Set([extra, ...propertyTypes, ...(propertyTypes.length ? ["undefined"] : [])])];
    members.push(`${inner}[key: string]: ${union.join(" | ")};`);
  }
  if (!members.length) return "Record<string, never>";
  return `{\n${members.join("\n")}\n${indent}}`;
}

export function generate(swagger) {
  const out = [
    "// The API's bodies and operations, generated from its /swagger.json by",
    "// scripts/generate-schema-types.mjs: do not edit by hand, regenerate.",
    "",
  ];
  for (const [name, schema] of Object.entries(swagger.definitions || {}).sort(([a], [b]) => a.localeCompare(b))) {
    const body = typeOf({ ...schema, "x-nullable": false });
    const declaration = body.startsWith("{") ? `export interface ${name} ${body}` : `export type ${name} = ${body};`;
    out.push(`${comment(schema.description, "")}${declaration}`, "");
  }

  out.push("/** Every operation of the API, by its operationId. */");
  out.push("export interface Operations {");
  const operations = [];
  for (const [path, item] of Object.entries(swagger.paths || {})) {
    for (const method of METHODS) {
      if (item[method]) operations.push([item[method].operationId || `${method} ${path}`, method, path, item, item[method]]);
    }
  }
  operations.sort(([a], [b]) => a.localeCompare(b));
  for (const [id, method, path, item, operation] of operations) {
    // An operation's parameter replaces the path's of the same name and place.
    const byName = new Map();
    for (const parameter of [...(item.parameters || []), ...(operation.parameters || [])]) {
      byName.set(`${parameter.in} ${parameter.name}`, parameter);
    }
    const parameters = [...byName.values()];
    const body = parameters.find((parameter) => parameter.in === "body");
    const pathParameters = parameters.filter((parameter) => parameter.in === "path");
    const lines = [`    method: ${JSON.stringify(method.toUpperCase())};`, `    path: ${JSON.stringify(path)};`];
    if (pathParameters.length) {
      const members = pathParameters.map((parameter) => `${key(parameter.name)}: ${typeOf(parameter, "    ")}`);
      lines.push(`    pathParameters: { ${members.join("; ")} };`);
    }
    if (body) lines.push(`    body: ${typeOf(body.schema, "    ")};`);
    const responses = Object.entries(operation.responses || {}).map(
      ([status, response]) =>
        `${comment(response.description, "      ")}      ${key(status)}: ${response.schema ? typeOf(response.schema, "      ") : "null"};`,
    );
    lines.push(`    responses: {\n${responses.join("\n")}\n    };`);
    out.push(`${comment(operation.summary, "  ")}  ${key(id)}: {\n${lines.join("\n")}\n  };`);
  }
  out.push("}", "");
  return out.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const swagger = await readSchema(process.argv[2]);
  process.stdout.write(generate(swagger));
}
