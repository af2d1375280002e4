/**
 * The output renderer of `application/vnd.jupyter-scope.report+json`. It shows the tree
 * from the report JSON, so a reopened notebook shows it with no kernel. When the same
 * output also carries the live widget (`%%scopes` outputs do), it mounts the widget view
 * too, and CSS shows exactly one of the two: the widget once it has rendered, else the
 * tree from the JSON (so "model not found" never shows).
 */

import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import { shownOutput } from './export';
import type { IPackedDocument } from './tree/compact';
import { REPORT_MIME_TYPE, type IReportDocument } from './tree/types';
import { dispatchSite, TreeView } from './tree/view';

export const WIDGET_MIME_TYPE = 'application/vnd.jupyter.widget-view+json';

/** Ahead of the widget view's renderer (rank -10), so this one is chosen and decides. */
export const RENDERER_RANK = -20;

export class ReportRenderer extends Panel implements IRenderMime.IRenderer {
  /** `rendermime` is the notebook's registry, which can render the live widget. */
  constructor(
    private readonly _rendermime: IRenderMimeRegistry | null,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this._view = new TreeView({
      trans: _trans,
      onSite: site => dispatchSite(this.node, site)
    });
    this._static = new Widget({ node: this._view.node });
    this.addClass('jp-Scope-output');
    this._static.addClass('jp-Scope-static');
    this.addWidget(this._static);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // `%%scopes --quiet`: saved for the Scopes panel, shown nowhere.
    const quiet = (model.metadata[REPORT_MIME_TYPE] as { quiet?: boolean } | undefined)?.quiet;
    this.toggleClass('jp-Scope-quiet', quiet === true);
    if (quiet) {
      return;
    }
    const data = model.data[REPORT_MIME_TYPE] as unknown as IReportDocument | IPackedDocument;
    try {
      this._view.model.setDocument(await shownOutput(data));
    } catch (reason) {
      this._view.model.showProblem(
        this._trans.__(
          'This report was saved by an older jupyter-scope; showing it needs the jupyter-scope server extension (%1).',
          String(reason)
        )
      );
    }
    const canLive =
      model.trusted &&
      model.data[WIDGET_MIME_TYPE] !== undefined &&
      this._rendermime?.mimeTypes.includes(WIDGET_MIME_TYPE);
    if (canLive && !this._live) {
      this._live = this._rendermime!.createRenderer(WIDGET_MIME_TYPE);
      this._live.addClass('jp-Scope-live');
      this.addWidget(this._live);
    }
    await this._live?.renderModel(model);
  }

  dispose(): void {
    this._view.dispose();
    super.dispose();
  }

  private readonly _view: TreeView;
  private readonly _static: Widget;
  private _live: IRenderMime.IRenderer | null = null;
}

/** A factory whose renderers mount live widgets through `rendermime`, when given. */
export function rendererFactory(
  rendermime: IRenderMimeRegistry | null,
  trans: TranslationBundle
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [REPORT_MIME_TYPE],
    defaultRank: RENDERER_RANK,
    createRenderer: () => new ReportRenderer(rendermime, trans)
  };
}
