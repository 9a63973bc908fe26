/**
 * Where the e-mail address of a person Stageline knows by id comes from (candidates and
 * interviewers are invited to the event). Stageline keeps no people directory yet: the default
 * answers for ids that are e-mail addresses and nothing else.
 */
export interface AttendeeDirectory {
  emailOf(tenantId: string, personId: string): Promise<string | undefined>;
}
