/** A systemd unit file as sections of key → values (a key may repeat, e.g. SystemCallFilter). */
export type UnitFile = Map<string, Map<string, string[]>>;

/** Parses the unit-file syntax systemd reads: `[Section]`, `Key=value`, `#`/`;` comments, `\` continuations. */
export function parseUnitFile(text: string): UnitFile {
  const sections: UnitFile = new Map();
  let current: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[([A-Za-z]+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      return;
    }
    const equals = line.indexOf('=');
    if (!current || equals <= 0) throw new Error(`line ${index + 1}: not a [Section] or Key=value: ${line}`);
    const key = line.slice(0, equals).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(equals + 1).trim()]);
  });
  return sections;
}

/** The last value of a key, as systemd applies it. */
export function unitValue(unit: UnitFile, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/** systemd time spans as seconds: `90`, `90s`, `2min`, `1min 30s`. */
export function timeSpanSeconds(value: string): number {
  let total = 0;
  for (const match of value.matchAll(/(\d+)\s*(min|m|s|sec|h)?/g)) {
    const amount = Number(match[1]);
    const unit = match[2] ?? 's';
    total += unit.startsWith('m') ? amount * 60 : unit === 'h' ? amount * 3600 : amount;
  }
  return total;
}
