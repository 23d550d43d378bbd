/** A token of pretty-printed JSON, classed for syntax colouring. */
export interface JsonToken {
  kind: 'key' | 'string' | 'number' | 'boolean' | 'null' | 'punctuation' | 'space';
  text: string;
}

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false)|(null)|([{}[\],:])|(\s+)/g;

/**
 * Pretty-prints a value (2-space indent) and splits it into tokens. Rendering tokens as text nodes
 * (never as HTML) keeps SQL text from the audit log inert.
 */
export function highlightJson(value: unknown): JsonToken[] {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const tokens: JsonToken[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const [, str, colon, num, bool, nul, punct, space] = match;
    if (str !== undefined) {
      tokens.push({ kind: colon !== undefined ? 'key' : 'string', text: str });
      if (colon !== undefined) tokens.push({ kind: 'punctuation', text: colon });
    } else if (num !== undefined) tokens.push({ kind: 'number', text: num });
    else if (bool !== undefined) tokens.push({ kind: 'boolean', text: bool });
    else if (nul !== undefined) tokens.push({ kind: 'null', text: nul });
    else if (punct !== undefined) tokens.push({ kind: 'punctuation', text: punct });
    else if (space !== undefined) tokens.push({ kind: 'space', text: space });
  }
  return tokens;
}

/** Pretty JSON text, as copied to the clipboard. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? '';
}
