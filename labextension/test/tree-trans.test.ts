import { describe, expect, it } from 'vitest';
import { untranslated } from '../src/tree/trans';

describe('untranslated', () => {
  it('fills in %1, %2… as JupyterLab’s null translator does, in any order and again', () => {
    expect(untranslated.__('%1: %2 of %3', 'GPU:0', 2, 5)).toBe('GPU:0: 2 of 5');
    expect(untranslated.__('%2 after %1, %1 again', 'a', 'b')).toBe('b after a, a again');
    expect(untranslated.__('Expand all')).toBe('Expand all');
  });

  it('says one in the singular and any other count in the plural, the count as %1', () => {
    const more = (n: number): string => untranslated._n('and %1 more op', 'and %1 more ops', n);
    expect([more(1), more(2), more(0)]).toEqual([
      'and 1 more op',
      'and 2 more ops',
      'and 0 more ops'
    ]);
  });
});
