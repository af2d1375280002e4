/**
 * Short human forms of a report's values: the same forms as `jupyter_scope/report/fmt.py`,
 * so the tree, the text and the static HTML displays read alike.
 */

import type { Site } from './types';

/** `51264` → `51.3K`, `138357544` → `138.4M`. */
export function count(n: number): string {
  for (const [limit, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K']
  ] as const) {
    if (n >= limit) {
      return `${(n / limit).toFixed(1)}${suffix}`;
    }
  }
  return String(n);
}

/** Bytes in SI units: `205056` → `205.1 kB`. */
export function size(n: number): string {
  for (const [limit, suffix] of [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB']
  ] as const) {
    if (n >= limit) {
      return `${(n / limit).toFixed(1)} ${suffix}`;
    }
  }
  return `${n} B`;
}

/** `[5, 5, null]` → `[5,5,?]`; an unknown rank is `[?…]`. */
export function shape(dims: (number | null)[] | null): string {
  if (dims === null) {
    return '[?…]';
  }
  return '[' + dims.map(d => (d === null ? '?' : String(d))).join(',') + ']';
}

/**
 * `/job:localhost/replica:0/task:0/device:CPU:0` → `CPU:0`, `/gpu:1` → `GPU:1`; a job other
 * than `localhost` stays: `/job:ps/task:1/device:CPU:0` → `/job:ps/task:1/CPU:0`. As
 * `devices.short` in Python.
 */
export function device(name: string | null | undefined): string {
  if (!name) {
    return '';
  }
  const spec: Record<string, string> = {};
  for (const part of name.trim().split('/')) {
    const named = /^(job|replica|task):(.+)$/.exec(part);
    const typed = /^(?:device:)?([A-Za-z_]+):(\d+|\*)$/.exec(part);
    if (named) {
      spec[named[1]] = named[2];
    } else if (typed) {
      spec.type = typed[1].toUpperCase();
      if (typed[2] !== '*') {
        spec.index = typed[2];
      }
    }
  }
  const parts: string[] = [];
  if ((spec.job ?? 'localhost') !== 'localhost') {
    parts.push(`/job:${spec.job}/task:${spec.task ?? '*'}`);
  }
  if (spec.type) {
    parts.push(`${spec.type}:${spec.index ?? '*'}`);
  }
  return parts.join('/') || name;
}

export function site(s: Site): string {
  return s.line === null ? s.file : `${s.file}:${s.line}`;
}

export function plural(n: number, word: string): string {
  return n === 1 ? `${n} ${word}` : `${n} ${word}s`;
}

/** The last path component of `name` below `parent`: `a/b/c` under `a/b` → `c`. */
export function relativeName(name: string, parent: string): string {
  return parent && name.startsWith(parent + '/') ? name.slice(parent.length + 1) : name;
}
