import { describe, expect, it } from 'vitest';
import { untranslated } from '../src/tree/trans';

describe('untranslated', () => {
  it('fills in %1, %2… as JupyterLab’s null translator does, in any order and again', () => {
    expect(untranslated.__('%1: %2 of %3', 'GPU:0', 2, 5)).toBe('GPU:0: 2 of 5');
    expect(untranslated.__('%2 after %1, %1 again', 'a', 'b')).toBe('b after a, a again');
    expect(untranslated.__('Expand all')).toBe('Expand all');
  });
});
