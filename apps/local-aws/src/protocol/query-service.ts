/**
 * A service spoken in the AWS Query protocol (RDS): form-encoded `Action=…&Version=…` in,
 * XML out. `handle` returns the inner XML of `<ActionResult>`; the router wraps it.
 */
export interface QueryService {
  readonly name: string;
  readonly signingName: string;
  /** Namespace on the response root, e.g. `http://rds.amazonaws.com/doc/2014-10-31/`. */
  readonly xmlNamespace: string;
  handle(action: string, params: QueryParams): Promise<string> | string;
}

/** Flat form parameters as sent on the wire (`Filters.Filter.1.Name=…`). */
export type QueryParams = ReadonlyMap<string, string>;

/** Reads a Query list `Prefix.<member>.N` (1-based, consecutive) into an array. */
export function readQueryList(params: QueryParams, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; ; index++) {
    const value = params.get(`${prefix}.${index}`);
    if (value === undefined) return values;
    values.push(value);
  }
}
