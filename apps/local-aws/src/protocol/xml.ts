/** Minimal XML writing for Query protocol responses. */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char]!);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export type XmlValue = string | number | boolean | Date | undefined | XmlNode | XmlList;

/** An element with ordered children; `undefined` children are left out. */
export interface XmlNode {
  readonly kind: 'node';
  readonly children: ReadonlyArray<readonly [string, XmlValue]>;
}

/** A wrapper whose items all carry the same element name. */
export interface XmlList {
  readonly kind: 'list';
  readonly itemName: string;
  readonly items: readonly XmlValue[];
}

export function xmlNode(children: Record<string, XmlValue>): XmlNode {
  return { kind: 'node', children: Object.entries(children) };
}

export function xmlList(itemName: string, items: readonly XmlValue[]): XmlList {
  return { kind: 'list', itemName, items };
}

/** Serialises `<name>value</name>`; timestamps as ISO 8601, booleans as true/false. */
export function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return `<${name}>${escapeXml(value)}</${name}>`;
  if (typeof value === 'number' || typeof value === 'boolean') return `<${name}>${String(value)}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (value.kind === 'list') {
    return `<${name}>${value.items.map((item) => toXml(value.itemName, item)).join('')}</${name}>`;
  }
  return `<${name}>${value.children.map(([child, childValue]) => toXml(child, childValue)).join('')}</${name}>`;
}
