/**
 * Whether the Google Calendar API answers at all. Without a recruiter's token Google answers
 * 401, which still proves the API is reachable; a network error or a 5xx does not.
 */
export async function checkCalendarReachable(rootUrl: string, fetchImpl: typeof fetch = fetch): Promise<{ status: number }> {
  const response = await fetchImpl(new URL('calendar/v3/users/me/calendarList?maxResults=1', rootUrl), {
    signal: AbortSignal.timeout(5000),
  });
  await response.body?.cancel();
  if (response.status >= 500) throw new Error(`Calendar API answered ${response.status}`);
  return { status: response.status };
}
