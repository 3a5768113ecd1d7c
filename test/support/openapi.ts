import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import { parse } from 'yaml';

/** Just enough of OpenAPI 3.1 for the checks; anything else in the document is left alone. */
export interface MediaTypeObject {
  schema?: unknown;
}
export interface ResponseObject {
  description: string;
  content?: Record<string, MediaTypeObject>;
}
export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
}
export interface OperationObject {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<ParameterObject | RefObject>;
  requestBody?: { required?: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject | RefObject>;
}
export interface RefObject {
  $ref: string;
}
export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
export const METHODS: readonly Method[] = ['get', 'put', 'post', 'delete', 'patch'];
export type PathItem = Partial<Record<Method, OperationObject>> & { parameters?: Array<ParameterObject | RefObject> };
export interface OpenApiDocument {
  openapi: string;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

export const OPENAPI_PATH = join(__dirname, '..', '..', 'openapi.yaml');

export function loadOpenApi(): OpenApiDocument {
  return parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
}

function isRef(value: unknown): value is RefObject {
  return typeof value === 'object' && value !== null && typeof (value as RefObject).$ref === 'string';
}

/** Follows a local `#/…` reference (one level is all the document uses outside schemas). */
export function resolveRef<T>(doc: OpenApiDocument, value: T | RefObject): T {
  if (!isRef(value)) return value;
  if (!value.$ref.startsWith('#/')) throw new Error(`only local references are supported: ${value.$ref}`);
  let node: unknown = doc;
  for (const part of value.$ref.slice(2).split('/')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    if (node === undefined) throw new Error(`${value.$ref} does not resolve`);
  }
  return node as T;
}

/** Every `"METHOD /path"` the document describes, e.g. `GET /v1/customers/{customer}/balance`. */
export function documentedOperations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

const SCHEMA_BASE = 'https://openapi.local/components';

/** `#/components/schemas/X` → a reference Ajv resolves against the one schema holding all components. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')
        ? [key, `${SCHEMA_BASE}#/$defs/${value.slice('#/components/schemas/'.length)}`]
        : [key, rebase(value)],
    ),
  );
}

/**
 * Compiles the document's schemas with Ajv's JSON Schema 2020-12 dialect (OpenAPI 3.1's), strictly: an unknown
 * keyword, a misspelt one or a keyword that cannot apply to the declared type is an error, not a silent pass.
 */
export function schemaValidator(doc: OpenApiDocument): (schema: unknown) => ValidateFunction {
  const ajv = new Ajv2020({ strict: true, strictTypes: true, strictTuples: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SCHEMA_BASE, $defs: rebase(doc.components.schemas) });
  const cache = new Map<unknown, ValidateFunction>();
  return (schema) => {
    let validate = cache.get(schema);
    if (!validate) {
      validate = ajv.compile(rebase(schema) as object);
      cache.set(schema, validate);
    }
    return validate;
  };
}

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: unknown };
  rawPath?: unknown;
}

/**
 * Every `"METHOD /path"` the Express app routes, read from its router stack (Express 5 / router 2.x:
 * `layer.route` for routes, `layer.handle.stack` for a mounted Router, `layer.rawPath` for where it is mounted).
 * Should those internals change, this throws or finds nothing, and the comparison with the document fails
 * loudly rather than passing. Handlers that answer from plain middleware are invisible here; the probes in
 * the test cover those.
 */
export function servedOperations(app: Express): string[] {
  const router = (app as unknown as { router?: { stack?: unknown } }).router;
  if (!router || !Array.isArray(router.stack)) throw new Error('app.router.stack not found: Express internals changed');
  const found: string[] = [];
  const walk = (stack: RouterLayer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') throw new Error(`route path is not a string: ${String(layer.route.path)}`);
        const path = `${prefix}${layer.route.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.replace(/^_/, '').toUpperCase()} ${path}`);
      } else if (layer.handle && Array.isArray(layer.handle.stack)) {
        if (typeof layer.rawPath !== 'string') throw new Error('a mounted router has no string rawPath: Express internals changed');
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk(router.stack as RouterLayer[], '');
  return found;
}
