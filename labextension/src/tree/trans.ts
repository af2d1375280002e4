/**
 * What the tree's own labels go through: in JupyterLab, the bundle of its `ITranslator`;
 * elsewhere (the anywidget widget, the standalone HTML page) `untranslated`, since
 * importing `@jupyterlab/translation` there would grow their bundles about sevenfold.
 * What the document's `display` section carries is Python's text, shown as it is.
 */

/** The part of JupyterLab's `TranslationBundle` the tree uses. */
export interface ITrans {
  __(msgid: string, ...args: unknown[]): string;
  /** The singular or the plural, by `n` (`%1` is `n`, as in JupyterLab's bundle). */
  _n(msgid: string, msgidPlural: string, n: number, ...args: unknown[]): string;
}

const fill = (msgid: string, args: unknown[]): string =>
  msgid.replace(/%(\d+)/g, (_, n: string) => String(args[Number(n) - 1]));

/** English as written, with `%1`, `%2`… filled in, as JupyterLab's null translator does. */
export const untranslated: ITrans = {
  __: (msgid, ...args) => fill(msgid, args),
  _n: (msgid, msgidPlural, n, ...args) => fill(n === 1 ? msgid : msgidPlural, [n, ...args])
};
