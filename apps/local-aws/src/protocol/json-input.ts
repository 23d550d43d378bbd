import { AwsServiceError } from './aws-error.js';

/**
 * Typed readers for JSON 1.1 request members. A member of the wrong JSON type is a
 * SerializationException (as AWS answers); a value outside its constraints a ValidationException.
 */

type Input = Record<string, unknown>;

function wrongType(member: string, expected: string): AwsServiceError {
  return new AwsServiceError('SerializationException', `Member ${member} must be ${expected}.`);
}

export function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

/** AWS's wording: `1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must …`. */
export function constraintViolation(member: string, value: unknown, constraint: string): AwsServiceError {
  const shown = value === null ? 'null' : value === undefined ? '' : `'${String(value).slice(0, 256)}'`;
  return validation(`1 validation error detected: Value${shown ? ` ${shown}` : ''} at '${memberPath(member)}' failed to satisfy constraint: Member must ${constraint}`);
}

/** Members are named lower-first in AWS validation messages (`KeyId` → `keyId`, `ShardFilter.Type` → `shardFilter.type`). */
function memberPath(member: string): string {
  return member
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');
}

export function optionalString(input: Input, member: string, max = 2048): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a string');
  // Values are left out of length messages: they may be long or secret (AWS does the same for some members).
  if (value.length < 1) throw constraintViolation(member, undefined, 'have length greater than or equal to 1');
  if (value.length > max) throw constraintViolation(member, undefined, `have length less than or equal to ${max}`);
  return value;
}

export function requiredString(input: Input, member: string, max = 2048): string {
  const value = optionalString(input, member, max);
  if (value === undefined) throw constraintViolation(member, null, 'not be null');
  return value;
}

/** A string member with an enum shape: any other value is a ValidationException listing the set. */
export function optionalEnum<T extends string>(input: Input, member: string, values: readonly T[], path = member): T | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(path, 'a string');
  if (!(values as readonly string[]).includes(value)) throw constraintViolation(path, value, `satisfy enum value set: [${values.join(', ')}]`);
  return value as T;
}

/** As optionalEnum; `path` names a nested member in messages (`ShardFilter.Type`). */
export function requiredEnum<T extends string>(input: Input, member: string, values: readonly T[], path = member): T {
  const value = optionalEnum(input, member, values, path);
  if (value === undefined) throw constraintViolation(path, null, 'not be null');
  return value;
}

export function optionalInteger(input: Input, member: string, min: number, max: number): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(member, 'a number');
  // An Integer shape: 1.5 is not silently truncated to 1.
  if (!Number.isInteger(value)) throw constraintViolation(member, value, 'be an integer');
  if (value < min) throw constraintViolation(member, value, `have value greater than or equal to ${min}`);
  if (value > max) throw constraintViolation(member, value, `have value less than or equal to ${max}`);
  return value;
}

export function optionalBoolean(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(member, 'a boolean');
  return value;
}

/** A base64 blob member, decoded; rejects text that is not canonical base64. */
export function optionalBlob(input: Input, member: string): Buffer | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a base64 string');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw new AwsServiceError('SerializationException', `Member ${member} is not valid base64.`);
  }
  return Buffer.from(value, 'base64');
}

export function requiredBlob(input: Input, member: string): Buffer {
  const value = optionalBlob(input, member);
  if (value === undefined) throw constraintViolation(member, null, 'not be null');
  return value;
}

/** A map of string to string (KMS EncryptionContext). */
export function optionalStringMap(input: Input, member: string): Record<string, string> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(member, 'an object of strings');
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'string') throw wrongType(`${member}.${key}`, 'a string');
    map[key] = entry;
  }
  return map;
}

export function optionalList(input: Input, member: string): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(member, 'a list');
  return value;
}

export function optionalStructure(input: Input, member: string): Input | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(member, 'a structure');
  return value as Input;
}

/** Epoch seconds (fractional) as the SDK sends timestamps. */
export function optionalTimestamp(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(member, 'a timestamp in epoch seconds');
  return value;
}
