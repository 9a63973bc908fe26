/** The writer child's deterministic sequence of writes, so the parent knows what each acknowledgement means. */
export type WriterOperation =
  | { readonly kind: 'create' | 'replace'; readonly id: string; readonly version: number }
  | { readonly kind: 'delete'; readonly id: string };

export function writerOperation(index: number): WriterOperation {
  // Each document: create (v1), replace (v2), replace (v3), and every third one is then deleted.
  const docIndex = Math.floor(index / 4);
  const step = index % 4;
  const id = `doc-${docIndex}`;
  if (step === 0) return { kind: 'create', id, version: 1 };
  if (step === 3) return docIndex % 3 === 0 ? { kind: 'delete', id } : { kind: 'replace', id, version: 4 };
  return { kind: 'replace', id, version: step + 1 };
}

/** id → version of every live document after the first `count` operations. */
export function stateAfter(count: number): Map<string, number> {
  const state = new Map<string, number>();
  for (let index = 0; index < count; index += 1) {
    const operation = writerOperation(index);
    if (operation.kind === 'delete') state.delete(operation.id);
    else state.set(operation.id, operation.version);
  }
  return state;
}
