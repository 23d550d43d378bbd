import { Type, type Static } from 'typebox';

/** The one error body of every HTTP endpoint of the API and the worker. */
export const ErrorBodySchema = Type.Object(
  {
    code: Type.String({ description: 'Stable, SCREAMING_SNAKE reason, e.g. VALIDATION_FAILED, NOT_FOUND' }),
    message: Type.String({ description: 'What went wrong and, where possible, what to do' }),
    awsCode: Type.Optional(Type.String({ description: 'The AWS error name behind it, e.g. DisabledException' })),
    field: Type.Optional(Type.String({ description: 'Path of the offending request field, e.g. /body/alias' })),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBodySchema>;

/** Default ports of the self-hosted apps; the console and the stack script rely on them. */
export const DEFAULT_API_PORT = 7400;
export const DEFAULT_WORKER_PORT = 7401;
