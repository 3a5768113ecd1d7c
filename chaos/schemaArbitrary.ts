/**
 * fast-check arbitraries from the JSON Schemas of openapi.yaml: values that follow the document (the
 * keywords it uses: type, const, enum, format, pattern, lengths, bounds, required, additionalProperties,
 * oneOf, $ref), and values that break it in one place (a field dropped, retyped or added), or anything.
 * Whether a generated value is valid is decided afterwards by Ajv against the same schema, not assumed.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { field } from './http';

/** Resolves `#/components/schemas/Name`. */
export type SchemaResolver = (ref: string) => unknown;

const MAX_STRING = 40;

const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);

/** Strings as users and attackers type them: plain, any Unicode, or with the characters that break paths and queries. */
export function oddString(minLength = 0, maxLength = MAX_STRING): Arbitrary<string> {
  const max = Math.max(minLength, Math.min(maxLength, MAX_STRING));
  return fc.oneof(
    fc.string({ minLength, maxLength: max }),
    fc.string({ minLength, maxLength: max, unit: 'binary' }),
    fc.constantFrom('/', '..', '%', '%zz', '\u0000', '$gt', '{"$gt":""}', ' ', 'é', '💳').filter((s) => s.length >= minLength),
  );
}

function stringArbitrary(schema: unknown): Arbitrary<string> {
  const minLength = numberOr(field(schema, 'minLength'), 0);
  const maxLength = numberOr(field(schema, 'maxLength'), MAX_STRING);
  const format = field(schema, 'format');
  const pattern = field(schema, 'pattern');
  if (format === 'date-time') {
    return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (format === 'email') return fc.emailAddress();
  if (typeof pattern === 'string') {
    return fc.stringMatching(new RegExp(pattern), { maxLength: Math.min(maxLength, 80) }).filter((s) => s.length >= minLength && s.length <= maxLength);
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(maxLength, MAX_STRING)) });
}

function integerArbitrary(schema: unknown): Arbitrary<number> {
  const min = Math.max(numberOr(field(schema, 'minimum'), -1e6), Number.MIN_SAFE_INTEGER);
  const max = Math.min(numberOr(field(schema, 'maximum'), 1e6), Number.MAX_SAFE_INTEGER);
  const forbidden = field(field(schema, 'not'), 'const');
  // Mostly small amounts, as clients send, and now and then the bounds.
  return fc.oneof(fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) }), fc.constantFrom(min, max)).filter((n) => n !== forbidden);
}

function objectArbitrary(schema: unknown, resolve: SchemaResolver): Arbitrary<Record<string, unknown>> {
  const properties = field(schema, 'properties');
  const required = field(schema, 'required');
  const requiredKeys = Array.isArray(required) ? required.filter((k): k is string => typeof k === 'string') : [];
  const model: Record<string, Arbitrary<unknown>> = {};
  if (typeof properties === 'object' && properties !== null) {
    for (const [key, property] of Object.entries(properties)) model[key] = schemaArbitrary(property, resolve);
  }
  const additional = field(schema, 'additionalProperties');
  if (typeof additional === 'object' && additional !== null && Object.keys(model).length === 0) {
    // A map (metadata): keys and values from their schemas.
    const keys = stringArbitrary(field(schema, 'propertyNames') ?? {});
    return fc.dictionary(keys, schemaArbitrary(additional, resolve), { maxKeys: Math.min(numberOr(field(schema, 'maxProperties'), 5), 5) });
  }
  return fc.record(model, { requiredKeys: requiredKeys.filter((k) => k in model) });
}

/** A value following the schema (as far as these keywords go). */
export function schemaArbitrary(schema: unknown, resolve: SchemaResolver): Arbitrary<unknown> {
  const ref = field(schema, '$ref');
  if (typeof ref === 'string') return schemaArbitrary(resolve(ref), resolve);
  if (field(schema, 'const') !== undefined) return fc.constant(field(schema, 'const'));
  const enumeration = field(schema, 'enum');
  if (Array.isArray(enumeration) && enumeration.length > 0) return fc.constantFrom(...enumeration);
  const choices = field(schema, 'oneOf') ?? field(schema, 'anyOf');
  if (Array.isArray(choices) && choices.length > 0) return fc.oneof(...choices.map((c) => schemaArbitrary(c, resolve)));
  const allOf = field(schema, 'allOf');
  if (Array.isArray(allOf) && allOf.length > 0) return schemaArbitrary(allOf[0], resolve);
  const type = field(schema, 'type');
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => schemaArbitrary({ ...asObject(schema), type: t }, resolve)));
  switch (type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return integerArbitrary(schema);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(schemaArbitrary(field(schema, 'items') ?? {}, resolve), { maxLength: 5 });
    case 'object':
      return objectArbitrary(schema, resolve);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {};
}

/** A valid value broken in one place: a key dropped, a value of another type, or a key the schema does not know. */
function brokenOnce(valid: Arbitrary<unknown>): Arbitrary<unknown> {
  return fc.tuple(valid, fc.jsonValue({ maxDepth: 2 }), fc.nat(), fc.constantFrom('drop', 'retype', 'add')).map(([value, junk, n, how]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return junk;
    const copy = asObject(value);
    const keys = Object.keys(copy);
    const key = keys[n % Math.max(1, keys.length)];
    if (how === 'drop' && key !== undefined) delete copy[key];
    else if (how === 'retype' && key !== undefined) copy[key] = junk;
    else copy[`unexpected_${n % 7}`] = junk;
    return copy;
  });
}

/** What a fuzzer sends as a body: valid, broken once, any JSON at all, or text that is not JSON. */
export type FuzzBody = { kind: 'json'; value: unknown } | { kind: 'text'; text: string } | { kind: 'none' };

export function bodyArbitrary(schema: unknown, resolve: SchemaResolver): Arbitrary<FuzzBody> {
  const valid = schemaArbitrary(schema, resolve);
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((value): FuzzBody => ({ kind: 'json', value })) },
    { weight: 3, arbitrary: brokenOnce(valid).map((value): FuzzBody => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): FuzzBody => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }).map((text): FuzzBody => ({ kind: 'text', text })) },
    { weight: 1, arbitrary: fc.constant<FuzzBody>({ kind: 'none' }) },
  );
}
