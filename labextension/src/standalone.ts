/**
 * The tree for the standalone HTML export (`jupyter_scope/static/standalone.js`, an IIFE):
 * `window.jupyterScope.mount(element, reportDocument)`.
 */

import type { ShownDocument } from './tree/types';
import { TreeView } from './tree/view';

function mount(element: HTMLElement, report: ShownDocument): TreeView {
  const view = new TreeView();
  view.node.classList.add('jp-Scope-page');
  element.append(view.node);
  view.model.setDocument(report);
  return view;
}

(window as unknown as { jupyterScope: { mount: typeof mount } }).jupyterScope = { mount };
