/**
 * A small client of the stage API for end-to-end tests: every call goes over HTTP with a
 * development token, and fails the test on an unexpected status.
 */
export interface StageApi {
  createApplication(id: string, candidateId: string): Promise<void>;
  createAssignment(applicationId: string, options?: { visibleToCandidate?: boolean }): Promise<string>;
  act(applicationId: string, stageId: string, action: string, payload?: unknown, as?: 'candidate' | 'recruiter'): Promise<void>;
}

export interface StageApiOptions {
  readonly baseUrl: string;
  readonly recruiterToken: string;
  readonly candidateToken: string;
}

export const assignmentSubmission = { submission: { documentId: 'doc-1', fileName: 'answer.pdf', contentType: 'application/pdf', size: 1200 } };

export function stageApi(options: StageApiOptions): StageApi {
  const call = async (path: string, token: string, body: unknown, expected: number): Promise<Record<string, unknown>> => {
    const response = await fetch(`${options.baseUrl}/api${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`POST ${path} answered ${response.status}, expected ${expected}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  return {
    async createApplication(id, candidateId) {
      await call('/applications', options.recruiterToken, { id, jobId: 'job-1', candidateId }, 201);
    },
    async createAssignment(applicationId, stageOptions = {}) {
      const created = await call(
        `/applications/${encodeURIComponent(applicationId)}/stages`,
        options.recruiterToken,
        { type: 'assignment', visibleToCandidate: stageOptions.visibleToCandidate ?? true, data: { instructions: 'Build a small service' } },
        201,
      );
      return (created['stage'] as { id: string }).id;
    },
    async act(applicationId, stageId, action, payload = {}, as = 'recruiter') {
      const token = as === 'candidate' ? options.candidateToken : options.recruiterToken;
      await call(`/applications/${encodeURIComponent(applicationId)}/stages/${encodeURIComponent(stageId)}/actions/${action}`, token, payload, 200);
    },
  };
}
