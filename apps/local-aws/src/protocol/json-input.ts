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

export function optionalString(input: Input, member: string, max = 2048): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a string');
  if (value.length < 1 || value.length > max) {
    throw validation(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length between 1 and ${max}`);
  }
  return value;
}

export function requiredString(input: Input, member: string, max = 2048): string {
  const value = optionalString(input, member, max);
  if (value === undefined) {
    throw validation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function optionalInteger(input: Input, member: string, min: number, max: number): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(member, 'a number');
  const integer = Math.trunc(value);
  if (integer < min || integer > max) {
    throw validation(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
  return integer;
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
  if (value === undefined) {
    throw validation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
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
