import type { ApplicationPage, ApplicationQuery } from './application-repository.port.ts';
import type { ReadModel } from '../domain/read-model.ts';

/**
 * The recruiter board in a given read model: the stage filter applies to the stages the board
 * shows (stored, or the legacy transformation). `ApplicationRepository.query` is the `stages` model.
 */
export interface ApplicationBoard {
  board(query: ApplicationQuery, model: ReadModel): Promise<ApplicationPage>;
}
