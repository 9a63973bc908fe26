import { documentsOn, withReadUrls } from '../api/application-views.ts';
import type { Stage } from '../domain/stage.model.ts';
import { noDocumentLinks } from '../ports/document-links.port.ts';
import type { StageDeps } from './stage-deps.ts';

type StageView = { readonly type: Stage['type']; readonly data: unknown };

/**
 * The stage views of one application with read URLs on their documents, minted now for exactly
 * the documents in these views (the caller's view: a candidate's holds only stages visible to
 * them). Reads always work: when no URL can be made (storage down) the views go out without.
 */
export async function withDocumentUrls<V extends StageView>(deps: StageDeps, tenantId: string, applicationId: string, views: readonly V[]): Promise<V[]> {
  const documents = documentsOn(views);
  if (documents.length === 0) return [...views];
  let urls: ReadonlyMap<string, string>;
  try {
    urls = await (deps.documentLinks ?? noDocumentLinks).readUrls({ tenantId, applicationId, documents });
  } catch {
    return [...views];
  }
  return views.map((view) => withReadUrls(view, urls));
}
