import { nullTranslator } from '@jupyterlab/translation';
import { describe, expect, it } from 'vitest';
import { exportCommand } from '../src/commands';
import { ExportFormats } from '../src/formats';
import { goldenExportFormats } from './fixtures';

/** The export command's options, with the server's list of formats. */
function setUp(selected: unknown = 'a report') {
  const formats = new ExportFormats(async () => goldenExportFormats());
  const exported: string[] = [];
  const exporter = {
    selected,
    exportSelected: (format: string) => exported.push(format) > 0
  };
  const command = exportCommand(formats, exporter, nullTranslator.load('jupyter_scope'));
  const label = (format: string) => (command.label as (a: object) => string)({ format });
  const enabled = (format: string) => command.isEnabled!({ format });
  const execute = (format: string) => command.execute({ format });
  return { formats, exported, label, enabled, execute };
}

describe('the export command', () => {
  it('is named and enabled for each format the server lists, once listed', async () => {
    const { formats, label, enabled } = setUp();
    let changed = 0;
    formats.changed.connect(() => changed++);
    expect([label('md'), enabled('md')]).toEqual(['Scopes: export report', false]);
    await formats.load();
    expect(changed).toBe(1);
    expect(formats.list.map(f => label(f.name))).toEqual([
      'Scopes: export report (JSON)',
      'Scopes: export report (GraphML)',
      'Scopes: export report (DOT)',
      'Scopes: export report (HTML)',
      'Scopes: export report (Markdown)',
      'Scopes: export report (CSV)'
    ]);
    expect(formats.list.every(f => enabled(f.name))).toBe(true);
  });

  it('exports the format asked for, never another', async () => {
    const { formats, exported, execute } = setUp();
    await formats.load();
    for (const format of formats.list) {
      await execute(format.name);
    }
    expect(exported).toEqual(['json', 'graphml', 'dot', 'html', 'md', 'csv']);
  });

  it('does nothing for a format the server does not list, or with no report', async () => {
    const { formats, exported, enabled, execute } = setUp();
    await formats.load();
    expect([enabled('xlsx'), await execute('xlsx'), exported]).toEqual([false, false, []]);
    const none = setUp(null);
    await none.formats.load();
    expect(none.enabled('json')).toBe(false);
  });

  it('lists nothing when the server cannot be asked', async () => {
    const formats = new ExportFormats(async () => {
      throw new Error('no server extension');
    });
    let changed = 0;
    formats.changed.connect(() => changed++);
    const error = console.error;
    console.error = () => undefined;
    try {
      await formats.load();
    } finally {
      console.error = error;
    }
    expect([formats.list.length, changed]).toEqual([0, 0]);
  });
});
