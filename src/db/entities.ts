import { Commenter } from '../auth/commenter.entity.js';

export const entities = [Commenter];
