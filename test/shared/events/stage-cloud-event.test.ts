import { describe, expect, it } from 'vitest';
import { CloudEvent } from 'cloudevents';
import { parseStageCloudEvent, toStageCloudEvent } from '../../../shared/events/domain/stage-cloud-event.ts';
import type { OutboxEvent } from '../../../shared/stages/domain/application.schema.ts';

const event: OutboxEvent = {
  id: 'app-1:3',
  seq: 3,
  applicationId: 'app-1',
  tenantId: 'acme corp',
  kind: 'stage.transitioned',
  stageId: 'st-1',
  stageType: 'offer',
  stageStatus: 'accepted',
  previousStatus: 'awaiting_candidate',
  action: 'accept',
  actor: { role: 'candidate', id: 'cand-1' },
  timestamp: '2025-03-01T09:00:00.000Z',
  visibleToCandidate: true,
  actionableBy: null,
};

describe('stage-events CloudEvent', () => {
  it('is a valid CloudEvents 1.0 event carrying exactly the seed payload as data', () => {
    const cloudEvent = toStageCloudEvent(event);
    expect(cloudEvent.validate()).toBe(true);
    const json = JSON.parse(JSON.stringify(cloudEvent)) as Record<string, unknown>;
    expect(json).toEqual({
      specversion: '1.0',
      id: 'app-1:3',
      source: '/stageline/tenants/acme%20corp/applications',
      type: 'stageline.stage.transitioned',
      subject: 'app-1',
      time: '2025-03-01T09:00:00.000Z',
      datacontenttype: 'application/json',
      data: { type: 'STAGE_EVENT', stageType: 'offer', stageStatus: 'accepted', applicationId: 'app-1', actor: { role: 'candidate', id: 'cand-1' }, timestamp: '2025-03-01T09:00:00.000Z' },
      stageeventkind: 'stage.transitioned',
      stageid: 'st-1',
      sequence: '3',
      actionableby: 'none',
      tenantid: 'acme corp',
      stageaction: 'accept',
      previousstatus: 'awaiting_candidate',
    });
    expect(new CloudEvent(json).type).toBe('stageline.stage.transitioned');
  });

  it('reads back from an object, JSON text or bytes, and refuses a body that is not one', () => {
    const json = toStageCloudEvent(event).toJSON();
    const expected = {
      id: 'app-1:3', seq: 3, tenantId: 'acme corp', applicationId: 'app-1', kind: 'stage.transitioned', stageId: 'st-1', stageType: 'offer',
      stageStatus: 'accepted', previousStatus: 'awaiting_candidate', action: 'accept', actionableBy: null, actor: event.actor, timestamp: event.timestamp,
    };
    expect(parseStageCloudEvent(json)).toMatchObject(expected);
    expect(parseStageCloudEvent(JSON.stringify(json))).toMatchObject(expected);
    expect(parseStageCloudEvent(Buffer.from(JSON.stringify(json)))).toMatchObject(expected);
    expect(() => parseStageCloudEvent({ ...json, data: { type: 'OTHER' } })).toThrow();
    expect(() => parseStageCloudEvent({ type: 'STAGE_EVENT', applicationId: 'app-1' })).toThrow();
  });
});
