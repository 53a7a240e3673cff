/**
 * The output of `list` and `find`: a table of cells printed as ovs-vsctl prints it with
 * --format=list (default), table, csv or json, and --data=string, bare or json.
 */
import type { Datum } from '../ovsdb/datum.js';
import type { ColumnType } from '../ovsdb/schema.js';
import { datumToBare, datumToString } from './value.js';

export interface Cell {
  readonly datum: Datum;
  readonly type: ColumnType;
}

export interface OutTable {
  readonly headings: readonly string[];
  readonly rows: Cell[][];
}

export type TableFormat = 'list' | 'table' | 'csv' | 'json';
export type CellFormat = 'string' | 'bare' | 'json';

export interface TableStyle {
  format: TableFormat;
  cells: CellFormat;
  headings: boolean;
}

function cellJson(c: Cell): unknown {
  const atom = (a: unknown, base: ColumnType['key']): unknown => (base.type === 'uuid' ? ['uuid', a] : a);
  const d = c.datum;
  if (c.type.value !== undefined) return ['map', d.keys.map((k, i) => [atom(k, c.type.key), atom(d.values![i], c.type.value!)])];
  if (d.keys.length === 1) return atom(d.keys[0], c.type.key);
  return ['set', d.keys.map((k) => atom(k, c.type.key))];
}

function cellText(c: Cell, style: TableStyle): string {
  switch (style.cells) {
    case 'string':
      return datumToString(c.datum, c.type);
    case 'bare':
      return datumToBare(c.datum, c.type);
    case 'json':
      return JSON.stringify(cellJson(c));
  }
}

function csvCell(s: string): string {
  return /[\n",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Prints tables one after another; like ovs-vsctl, every table but the first starts with a blank line. */
export class TablePrinter {
  #first = true;
  constructor(readonly style: TableStyle) {}

  print(t: OutTable): string {
    const style = this.style;
    if (style.format === 'json') return this.#json(t);
    let s = '';
    if (!this.#first) s += '\n';
    this.#first = false;
    const text = t.rows.map((r) => r.map((c) => cellText(c, style)));
    if (style.format === 'list') {
      text.forEach((row, y) => {
        if (y > 0) s += '\n';
        row.forEach((cell, x) => {
          s += style.headings ? `${t.headings[x]!.padEnd(20)}: ${cell}\n` : `${cell}\n`;
        });
      });
      return s;
    }
    if (style.format === 'csv') {
      if (style.headings) s += `${t.headings.map(csvCell).join(',')}\n`;
      for (const row of text) s += `${row.map(csvCell).join(',')}\n`;
      return s;
    }
    const widths = t.headings.map((h, x) => Math.max(style.headings ? h.length : 0, ...text.map((r) => r[x]!.length)));
    const line = (cells: readonly string[]): string => `${cells.map((c, x) => c.padEnd(widths[x]!)).join(' ').replace(/ +$/, '')}\n`;
    if (style.headings) {
      s += line(t.headings);
      s += line(widths.map((w) => '-'.repeat(w)));
    }
    for (const row of text) s += line(row);
    return s;
  }

  #json(t: OutTable): string {
    // Like ovs-vsctl, JSON output carries each cell's datum in RFC 7047 notation whatever --data says.
    const data = t.rows.map((r) => r.map((c) => cellJson(c)));
    return `${JSON.stringify({ data, headings: t.headings })}\n`;
  }
}
