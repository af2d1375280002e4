/**
 * What the tree's own labels go through: in JupyterLab, the bundle of its `ITranslator`;
 * elsewhere (the anywidget widget, the standalone HTML page) `untranslated`, since
 * importing `@jupyterlab/translation` there would grow their bundles about sevenfold.
 * What the document's `display` section carries is Python's text, shown as it is.
 */

/** The part of JupyterLab's `TranslationBundle` the tree uses. */
export interface ITrans {
  __(msgid: string, ...args: unknown[]): string;
}

/** English as written, with `%1`, `%2`… filled in, as JupyterLab's null translator does. */
export const untranslated: ITrans = {
  __: (msgid, ...args) => msgid.replace(/%(\d+)/g, (_, n: string) => String(args[Number(n) - 1]))
};
