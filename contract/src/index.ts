export * from './errors';
export * from './money';
export * from './mask';
export * from './meta';
export * from './health';
export * from './http';
export * from './auth';
export * from './patients';
