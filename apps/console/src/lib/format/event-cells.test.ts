import { describe, expect, it } from 'vitest';
import { makeEvent } from '../testing/events.js';
import { CELL_TEXT_MAX, cellText } from './event-cells.js';

describe('cellText', () => {
  it('puts a statement on one line', () => {
    expect(cellText(makeEvent(1, { text: 'SELECT *\n  FROM orders\tWHERE id = 1' }), 'text')).toBe('SELECT * FROM orders WHERE id = 1');
  });

  it('cuts a long statement (the lab data load logs 64 KB INSERTs) to its start, marked by an ellipsis', () => {
    const insert = `INSERT INTO stock VALUES ${Array.from({ length: 8000 }, (_, i) => `(${i},\n1)`).join(',')}`;
    const text = cellText(makeEvent(1, { text: insert }), 'text');
    expect(text.length).toBe(CELL_TEXT_MAX + 1);
    expect(text.startsWith('INSERT INTO stock VALUES (0, 1),(1, 1)')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });
});
